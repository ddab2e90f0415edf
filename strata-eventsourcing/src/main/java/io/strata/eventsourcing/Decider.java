package io.strata.eventsourcing;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * An aggregate as three pure functions: the state before any event, the decision a command makes
 * against the current state, and how one event changes the state.
 *
 * <pre>{@code
 * sealed interface CounterCommand { record Increment(int by) implements CounterCommand {} }
 * sealed interface CounterEvent { record Incremented(int by) implements CounterEvent {} }
 * record Counter(int value) {}
 *
 * Decider<CounterCommand, Counter, CounterEvent> counter = Decider.of(
 *         new Counter(0),
 *         (command, state) -> switch (command) {
 *             case Increment i when i.by() <= 0 -> throw new IllegalArgumentException("increment by 1 or more");
 *             case Increment i -> List.of(new Incremented(i.by()));
 *         },
 *         (state, event) -> switch (event) {
 *             case Incremented i -> new Counter(state.value() + i.by());
 *         });
 * }</pre>
 *
 * <p>Rules the toolkit relies on: the state is immutable (the initial state is shared by every
 * load); {@code decide} rejects a command by throwing, and returns an empty list when the command
 * changes nothing; neither function has side effects, because a command may be decided again after
 * a concurrency conflict.
 *
 * @param <C> commands
 * @param <S> the state
 * @param <E> events
 */
public interface Decider<C, S, E> {

    /** The state of an aggregate that has no events. */
    S initialState();

    /**
     * The events {@code command} causes in {@code state}; empty when it changes nothing.
     *
     * @throws RuntimeException a domain exception when the command is rejected
     */
    List<E> decide(C command, S state);

    /** The state after {@code event}. */
    S evolve(S state, E event);

    /** {@code state} after every event of {@code events}, in order. */
    default S fold(S state, Iterable<? extends E> events) {
        S current = state;
        for (E event : events) {
            current = evolve(current, event);
        }
        return current;
    }

    /** A decider from two functions and an initial state. */
    static <C, S, E> Decider<C, S, E> of(S initialState, BiFunction<? super C, ? super S, ? extends List<? extends E>> decide,
                                         BiFunction<? super S, ? super E, ? extends S> evolve) {
        return new FunctionalDecider<>(initialState, decide, evolve);
    }

    /** The {@link Decider} behind {@link #of}. */
    record FunctionalDecider<C, S, E>(S initialState,
                                      BiFunction<? super C, ? super S, ? extends List<? extends E>> decider,
                                      BiFunction<? super S, ? super E, ? extends S> evolver) implements Decider<C, S, E> {
        public FunctionalDecider {
            Objects.requireNonNull(initialState, "initialState");
            Objects.requireNonNull(decider, "decide");
            Objects.requireNonNull(evolver, "evolve");
        }

        @Override
        public List<E> decide(C command, S state) {
            return List.copyOf(Objects.requireNonNull(decider.apply(command, state),
                    "decide returned null; return List.of() when a command changes nothing"));
        }

        @Override
        public S evolve(S state, E event) {
            return Objects.requireNonNull(evolver.apply(state, event), "evolve returned null");
        }
    }
}
