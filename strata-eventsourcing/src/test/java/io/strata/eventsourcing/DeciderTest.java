package io.strata.eventsourcing;

import io.strata.eventsourcing.Counters.Counter;
import io.strata.eventsourcing.Counters.Increment;
import io.strata.eventsourcing.Counters.IncrementUpTo;
import io.strata.eventsourcing.Counters.Incremented;
import io.strata.eventsourcing.Counters.InvalidIncrementException;
import io.strata.eventsourcing.Counters.Reset;
import io.strata.eventsourcing.Counters.WasReset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.strata.eventsourcing.Counters.DECIDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeciderTest {

    @Test
    void foldAppliesEveryEventInOrder() {
        Counter state = DECIDER.fold(DECIDER.initialState(), List.of(new Incremented(2), new Incremented(3), new WasReset(5), new Incremented(4)));

        assertThat(state).isEqualTo(new Counter(4, 4));
    }

    @Test
    void decideReturnsTheEventsOfTheCommand() {
        assertThat(DECIDER.decide(new Increment(7), new Counter(1, 1))).containsExactly(new Incremented(7));
        assertThat(DECIDER.decide(new Reset(), new Counter(3, 1))).containsExactly(new WasReset(3));
    }

    @Test
    void decideReturnsNoEventsWhenTheCommandChangesNothing() {
        assertThat(DECIDER.decide(new Reset(), new Counter(0, 5))).isEmpty();
        assertThat(DECIDER.decide(new IncrementUpTo(2), new Counter(2, 2))).isEmpty();
    }

    @Test
    void decideRejectsByThrowing() {
        assertThatThrownBy(() -> DECIDER.decide(new Increment(0), DECIDER.initialState()))
                .isInstanceOf(InvalidIncrementException.class);
    }

    @Test
    void functionalDeciderRejectsNullResultsWithAHint() {
        Decider<String, Integer, String> broken = Decider.of(0, (command, state) -> null, (state, event) -> state);

        assertThatThrownBy(() -> broken.decide("x", 0)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("return List.of()");
    }
}
