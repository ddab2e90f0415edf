package io.strata.eventsourcing.test;

import io.strata.eventsourcing.Decider;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a command did in a {@link DeciderFixture}: produced events (maybe none) or was rejected.
 * Each {@code then…} method throws an {@link AssertionError} with a readable report when the outcome
 * is not the expected one.
 */
public final class WhenCommand<S, E> {
    private final Decider<?, S, E> decider;
    private final List<E> history;
    private final Object command;
    private final S stateBefore;
    private final List<E> produced;
    private final Optional<RuntimeException> rejection;

    private WhenCommand(Decider<?, S, E> decider, List<E> history, Object command, S stateBefore, List<E> produced,
                        Optional<RuntimeException> rejection) {
        this.decider = decider;
        this.history = history;
        this.command = command;
        this.stateBefore = stateBefore;
        this.produced = produced;
        this.rejection = rejection;
    }

    static <S, E> WhenCommand<S, E> produced(Decider<?, S, E> decider, List<E> history, Object command, S state, List<E> events) {
        return new WhenCommand<>(decider, history, command, state, events, Optional.empty());
    }

    static <S, E> WhenCommand<S, E> rejected(Decider<?, S, E> decider, List<E> history, Object command, S state,
                                             RuntimeException rejection) {
        return new WhenCommand<>(decider, history, command, state, List.of(), Optional.of(rejection));
    }

    /** Asserts the command produced exactly {@code expected}, in order; returns the state after them. */
    @SafeVarargs
    public final ThenEvents<S, E> then(E... expected) {
        List<E> wanted = new ArrayList<>(expected.length);
        for (E event : expected) { // a loop, not Arrays.asList: the generic array must not escape (lint: varargs)
            wanted.add(event);
        }
        return then(wanted);
    }

    public ThenEvents<S, E> then(List<? extends E> expected) {
        List<E> wanted = List.copyOf(expected);
        if (rejection.isPresent()) {
            throw new AssertionError(report("Expected the command to produce " + count(wanted.size()) + ", but it was rejected with "
                    + rejection.get()) + "\nExpected:\n" + EventDiff.list(wanted), rejection.get());
        }
        if (!wanted.equals(produced)) {
            throw new AssertionError(report("The command produced other events than expected.")
                    + "\nDiff (- expected, + actual):\n" + EventDiff.diff(wanted, produced));
        }
        return new ThenEvents<>(stateAfter(), produced);
    }

    /** Asserts the command produced no events (it changed nothing) and was not rejected. */
    public ThenEvents<S, E> thenNothing() {
        if (rejection.isPresent()) {
            throw new AssertionError(report("Expected the command to produce no events, but it was rejected with "
                    + rejection.get()), rejection.get());
        }
        if (!produced.isEmpty()) {
            throw new AssertionError(report("Expected the command to produce no events, but it produced " + count(produced.size()) + ".")
                    + "\nDiff (- expected, + actual):\n" + EventDiff.diff(List.of(), produced));
        }
        return new ThenEvents<>(stateBefore, produced);
    }

    /** Asserts the command was rejected with a {@code type} (or a subclass); returns the exception. */
    public <X extends Throwable> X thenRejected(Class<X> type) {
        Objects.requireNonNull(type, "type");
        if (rejection.isEmpty()) {
            throw new AssertionError(report("Expected the command to be rejected with " + type.getName() + ", but it "
                    + (produced.isEmpty() ? "produced no events." : "produced " + count(produced.size()) + ":\n" + EventDiff.list(produced))));
        }
        RuntimeException actual = rejection.get();
        if (!type.isInstance(actual)) {
            throw new AssertionError(report("Expected the command to be rejected with " + type.getName() + ", but it was rejected with "
                    + actual), actual);
        }
        return type.cast(actual);
    }

    private S stateAfter() {
        S state = stateBefore;
        for (int i = 0; i < produced.size(); i++) {
            try {
                state = decider.evolve(state, produced.get(i));
            } catch (RuntimeException e) {
                throw new AssertionError(report("Produced event [" + i + "] " + EventText.of(produced.get(i))
                        + " could not be folded: " + e), e);
            }
        }
        return state;
    }

    private String report(String headline) {
        return headline + "\nGiven:\n" + (history.isEmpty() ? "    (no events)\n" : EventDiff.list(history))
                + "When:\n    " + EventText.of(command);
    }

    private static String count(int events) {
        return events == 1 ? "1 event" : events + " events";
    }
}
