package io.strata.eventsourcing;

import io.strata.core.EventData;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.WrongExpectedRevisionException;
import io.strata.eventsourcing.Counters.Counter;
import io.strata.eventsourcing.Counters.CounterCommand;
import io.strata.eventsourcing.Counters.CounterEvent;
import io.strata.eventsourcing.Counters.Increment;
import io.strata.eventsourcing.Counters.IncrementUpTo;
import io.strata.eventsourcing.Counters.Incremented;
import io.strata.eventsourcing.serialization.EventMetadata;
import io.strata.storage.EmbeddedEventStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConflictRetryTest {
    @TempDir
    Path directory;
    EmbeddedEventStore store;

    @BeforeEach
    void open() {
        store = TestStores.open(directory);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aConflictIsRetriedAgainstTheNewState() {
        InterferingEventStore interfering = interferingTimes(2);
        var counters = repository(interfering, ConflictRetryPolicy.attempts(3));

        CommandResult<Counter, CounterEvent> result = counters.handle("1", new Increment(10));

        assertThat(interfering.interferences()).isEqualTo(2);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.state()).isEqualTo(new Counter(12, 3));
        assertThat(result.revision()).isEqualTo(OptionalLong.of(2));
        assertThat(repository(store, ConflictRetryPolicy.defaults()).load("1").state()).isEqualTo(new Counter(12, 3));
    }

    @Test
    void theDecisionIsMadeAgainAfterAConflictAndMayBecomeNoEvents() {
        InterferingEventStore interfering = interferingTimes(1);
        var counters = repository(interfering, ConflictRetryPolicy.attempts(3));

        CommandResult<Counter, CounterEvent> result = counters.handle("1", new IncrementUpTo(1));

        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.changedNothing()).isTrue();
        assertThat(result.state()).isEqualTo(new Counter(1, 1));
        assertThat(store.readStream("counter-1", ReadStreamOptions.forwards()).events()).hasSize(1);
    }

    @Test
    void exhaustedRetriesSurfaceAClearExceptionAndAppendNothing() {
        var counters = repository(interferingTimes(Integer.MAX_VALUE),
                new ConflictRetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(2)));

        assertThatThrownBy(() -> counters.handle("1", new Increment(10), CommandContext.withCommandId("mine")))
                .isInstanceOfSatisfying(ConflictRetriesExhaustedException.class, e -> {
                    assertThat(e.stream()).isEqualTo("counter-1");
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.getCause()).isInstanceOf(WrongExpectedRevisionException.class);
                    assertThat(e.getMessage()).contains("counter-1", "4 attempts", "nothing was appended");
                });
        List<RecordedEvent> stored = store.readStream("counter-1", ReadStreamOptions.forwards()).events();
        assertThat(stored).hasSize(4); // the other writer's, one per attempt
        assertThat(stored).allSatisfy(event ->
                assertThat(Counters.SERIALIZER.metadataOf(event).causationId()).hasValue("other-writer"));
    }

    @Test
    void noRetryFailsOnTheFirstConflict() {
        var counters = repository(interferingTimes(1), ConflictRetryPolicy.noRetry());

        assertThatThrownBy(() -> counters.handle("1", new Increment(1)))
                .isInstanceOfSatisfying(ConflictRetriesExhaustedException.class, e -> assertThat(e.attempts()).isEqualTo(1));
    }

    @Test
    void backoffIsJitteredWithinAnExponentialBoundAndCapped() {
        ConflictRetryPolicy policy = new ConflictRetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(50));
        var random = new java.util.Random(42);
        for (int i = 0; i < 1000; i++) {
            assertThat(policy.backoffAfter(1, random)).isBetween(Duration.ZERO, Duration.ofMillis(1));
            assertThat(policy.backoffAfter(3, random)).isBetween(Duration.ZERO, Duration.ofMillis(4));
            assertThat(policy.backoffAfter(9, random)).isBetween(Duration.ZERO, Duration.ofMillis(50));
        }
    }

    private InterferingEventStore interferingTimes(int times) {
        EventData otherWritersEvent = Counters.SERIALIZER.serialize(new Incremented(1), EventMetadata.of("other-writer", "other-writer"));
        return new InterferingEventStore(store, otherWritersEvent, times);
    }

    private static AggregateRepository<CounterCommand, Counter, CounterEvent> repository(io.strata.core.EventStore on, ConflictRetryPolicy retry) {
        return AggregateRepository.builder(on, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER).retry(retry).build();
    }
}
