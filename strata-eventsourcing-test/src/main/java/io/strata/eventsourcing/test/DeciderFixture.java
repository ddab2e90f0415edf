package io.strata.eventsourcing.test;

import io.strata.eventsourcing.Decider;
import io.strata.eventsourcing.serialization.EventSerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Given/when/then for a {@link Decider}, with no store and no test framework: failures are plain
 * {@link AssertionError}s whose message is a line-by-line diff of expected and actual events, so the
 * fixture works under JUnit, TestNG, Spock or a {@code main}.
 *
 * <pre>{@code
 * DeciderFixture.forDecider(counter)
 *         .given(new Incremented(1), new Incremented(2))
 *         .when(new Increment(3))
 *         .then(new Incremented(3))
 *         .andState(new Counter(6));
 *
 * DeciderFixture.forDecider(counter).given().when(new Increment(-1)).thenRejected(InvalidIncrementException.class);
 * }</pre>
 *
 * <p>With {@link #withSerializer}, every given and produced event also goes through the serializer
 * and back, so a test fails when an event class is not registered or does not survive JSON —
 * mistakes that otherwise only show when the repository first runs. Immutable; thread-safe.
 *
 * @param <C> commands
 * @param <S> the state
 * @param <E> events
 */
public final class DeciderFixture<C, S, E> {
    private final Decider<C, S, E> decider;
    private final Optional<RoundTrip> roundTrip;

    private DeciderFixture(Decider<C, S, E> decider, Optional<RoundTrip> roundTrip) {
        this.decider = decider;
        this.roundTrip = roundTrip;
    }

    public static <C, S, E> DeciderFixture<C, S, E> forDecider(Decider<C, S, E> decider) {
        return new DeciderFixture<>(Objects.requireNonNull(decider, "decider"), Optional.empty());
    }

    /** A fixture that also round-trips every event through {@code serializer}. */
    public DeciderFixture<C, S, E> withSerializer(EventSerializer serializer) {
        return new DeciderFixture<>(decider, Optional.of(new RoundTrip(serializer)));
    }

    /** The events that happened before the command; none for a new aggregate. */
    @SafeVarargs
    public final GivenEvents<C, S, E> given(E... events) {
        List<E> history = new ArrayList<>(events.length);
        for (E event : events) { // a loop, not Arrays.asList: the generic array must not escape (lint: varargs)
            history.add(event);
        }
        return given(history);
    }

    public GivenEvents<C, S, E> given(List<? extends E> events) {
        List<E> history = List.copyOf(events);
        roundTrip.ifPresent(check -> history.forEach(event -> check.check(event, "given event")));
        S state = decider.initialState();
        for (int i = 0; i < history.size(); i++) {
            try {
                state = decider.evolve(state, history.get(i));
            } catch (RuntimeException e) {
                throw new AssertionError("given event [" + i + "] " + EventText.of(history.get(i))
                        + " could not be folded: " + e, e);
            }
        }
        return new GivenEvents<>(decider, history, state, roundTrip);
    }
}
