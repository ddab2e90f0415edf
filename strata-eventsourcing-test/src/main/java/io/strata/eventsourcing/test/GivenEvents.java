package io.strata.eventsourcing.test;

import io.strata.eventsourcing.Decider;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The history of a {@link DeciderFixture}: the given events and the state they fold to. */
public final class GivenEvents<C, S, E> {
    private final Decider<C, S, E> decider;
    private final List<E> history;
    private final S state;
    private final Optional<RoundTrip> roundTrip;

    GivenEvents(Decider<C, S, E> decider, List<E> history, S state, Optional<RoundTrip> roundTrip) {
        this.decider = decider;
        this.history = history;
        this.state = state;
        this.roundTrip = roundTrip;
    }

    /** The state the given events fold to. */
    public S state() {
        return state;
    }

    /** Decides {@code command} against the given state; the outcome is checked by the {@code then…} methods. */
    public WhenCommand<S, E> when(C command) {
        Objects.requireNonNull(command, "command");
        try {
            List<E> produced = List.copyOf(decider.decide(command, state));
            roundTrip.ifPresent(check -> produced.forEach(event -> check.check(event, "produced event")));
            return WhenCommand.produced(decider, history, command, state, produced);
        } catch (RuntimeException rejection) {
            return WhenCommand.rejected(decider, history, command, state, rejection);
        }
    }
}
