package io.strata.eventsourcing;

import io.strata.eventsourcing.serialization.EventTypeRegistry;
import io.strata.eventsourcing.serialization.JsonEventSerializer;

import java.util.List;

/** A counter aggregate: the smallest domain that still has a rejection and a no-op command. */
final class Counters {
    static final String CATEGORY = "counter";

    sealed interface CounterCommand {
    }

    /** Adds {@code by}, 1 or more. */
    record Increment(int by) implements CounterCommand {
    }

    /** Adds 1 unless the counter is already at {@code max}: a decision that depends on the state. */
    record IncrementUpTo(int max) implements CounterCommand {
    }

    /** Back to 0; nothing happens when it is 0 already. */
    record Reset() implements CounterCommand {
    }

    sealed interface CounterEvent {
    }

    record Incremented(int by) implements CounterEvent {
    }

    record WasReset(int from) implements CounterEvent {
    }

    /** @param events how many events were folded, to check folds count each event once */
    record Counter(int value, int events) {
    }

    static final class InvalidIncrementException extends RuntimeException {
        InvalidIncrementException(int by) {
            super("an increment is 1 or more, got " + by);
        }
    }

    static final Decider<CounterCommand, Counter, CounterEvent> DECIDER = Decider.of(
            new Counter(0, 0),
            (CounterCommand command, Counter state) -> switch (command) {
                case Increment increment when increment.by() < 1 -> throw new InvalidIncrementException(increment.by());
                case Increment increment -> List.of(new Incremented(increment.by()));
                case IncrementUpTo upTo -> state.value() >= upTo.max() ? List.of() : List.of(new Incremented(1));
                case Reset reset -> state.value() == 0 ? List.of() : List.of(new WasReset(state.value()));
            },
            (Counter state, CounterEvent event) -> switch (event) {
                case Incremented incremented -> new Counter(state.value() + incremented.by(), state.events() + 1);
                case WasReset reset -> new Counter(0, state.events() + 1);
            });

    static final EventTypeRegistry REGISTRY = EventTypeRegistry.builder().registerSealed(CounterEvent.class).build();

    static final JsonEventSerializer SERIALIZER = JsonEventSerializer.of(REGISTRY);

    private Counters() {
    }
}
