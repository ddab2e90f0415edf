package io.strata.eventsourcing.test;

import java.util.List;
import java.util.Objects;

/** The events a command produced, as asserted, and the state after them. */
public final class ThenEvents<S, E> {
    private final S state;
    private final List<E> events;

    ThenEvents(S state, List<E> events) {
        this.state = state;
        this.events = events;
    }

    /** The state after the given and the produced events. */
    public S state() {
        return state;
    }

    public List<E> events() {
        return events;
    }

    /** Asserts the state after the events equals {@code expected}. */
    public ThenEvents<S, E> andState(S expected) {
        Objects.requireNonNull(expected, "expected");
        if (!Objects.equals(expected, state)) {
            throw new AssertionError("The state after the events is not the expected one.\n"
                    + "Diff (- expected, + actual):\n" + EventDiff.diff(List.of(expected), List.of(state)));
        }
        return this;
    }
}
