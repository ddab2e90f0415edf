package io.strata.eventsourcing;

import io.strata.eventsourcing.Counters.Counter;
import io.strata.eventsourcing.Counters.CounterCommand;
import io.strata.eventsourcing.Counters.CounterEvent;
import io.strata.eventsourcing.Counters.Increment;
import io.strata.eventsourcing.snapshot.JsonSnapshotCodec;
import io.strata.eventsourcing.snapshot.SnapshotPolicy;
import io.strata.storage.EmbeddedEventStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.strata.eventsourcing.LoadPoint.asOf;
import static io.strata.eventsourcing.LoadPoint.atRevision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** 25 increments of 1 on counter-1, so the state after revision r is Counter(r + 1, r + 1). */
class TimeTravelTest {
    static final String STREAM = "counter-1";

    @TempDir
    Path directory;
    EmbeddedEventStore store;
    CountingEventStore counting;
    /** recordedTimes.get(r): when revision r was recorded; strictly increasing. */
    final List<Instant> recordedTimes = new ArrayList<>();

    @BeforeEach
    void open() {
        store = TestStores.open(directory);
        counting = new CountingEventStore(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void loadAtARevisionFoldsTheEventsUpToIt() {
        var counters = plain();
        record(counters, 25);

        assertThat(counters.load("1", atRevision(0)).state()).isEqualTo(new Counter(1, 1));
        assertThat(counters.load("1", atRevision(14))).satisfies(loaded -> {
            assertThat(loaded.state()).isEqualTo(new Counter(15, 15));
            assertThat(loaded.revision()).hasValue(14);
        });
        assertThat(counters.load("1", atRevision(24)).state()).isEqualTo(new Counter(25, 25));
    }

    @Test
    void loadAtARevisionNotYetReachedFails() {
        var counters = plain();
        record(counters, 3);

        assertThatThrownBy(() -> counters.load("1", atRevision(3)))
                .isInstanceOfSatisfying(RevisionNotFoundException.class, e -> assertThat(e.last()).hasValue(2))
                .hasMessageContaining("its last revision is 2");
        assertThatThrownBy(() -> counters.load("2", atRevision(0))).isInstanceOf(RevisionNotFoundException.class)
                .hasMessageContaining("has no events");
    }

    @Test
    void loadAsOfATimeSeesTheEventsRecordedByThen() {
        var counters = plain();
        Instant before = Instant.now();
        waitForClockToPass(before);
        record(counters, 25);

        assertThat(counters.load("1", asOf(recordedTimes.get(6))).state()).isEqualTo(new Counter(7, 7));
        assertThat(counters.load("1", asOf(recordedTimes.get(6).plusNanos(999))).revision()).hasValue(6);
        assertThat(counters.load("1", asOf(before))).satisfies(loaded -> {
            assertThat(loaded.exists()).isFalse();
            assertThat(loaded.state()).isEqualTo(new Counter(0, 0));
        });
        assertThat(counters.load("1", asOf(Instant.now())).revision()).hasValue(24);
    }

    @Test
    void timeTravelUsesOnlySnapshotsAtOrBeforeTheRequestedPoint() {
        var counters = withSnapshotsEvery10(); // snapshots at revisions 9 and 19
        record(counters, 25);

        counting.reset();
        assertThat(counters.load("1", atRevision(14)).state()).isEqualTo(new Counter(15, 15));
        assertThat(counting.eventsRead(STREAM)).as("snapshot at 9, then revisions 10..14").isEqualTo(5);

        counting.reset();
        assertThat(counters.load("1", asOf(recordedTimes.get(16))).state()).isEqualTo(new Counter(17, 17));
        assertThat(counting.eventsRead(STREAM)).as("one read for the revision as of then, then 10..16").isEqualTo(1 + 7);

        counting.reset();
        assertThat(counters.load("1", atRevision(5)).state()).isEqualTo(new Counter(6, 6));
        assertThat(counting.eventsRead(STREAM)).as("no snapshot that early: revisions 0..5").isEqualTo(6);

        counting.reset();
        assertThat(counters.load("1", atRevision(19)).state()).isEqualTo(new Counter(20, 20));
        assertThat(counting.eventsRead(STREAM)).as("the snapshot at 19 is exactly the point").isZero();
    }

    private void record(AggregateRepository<CounterCommand, Counter, CounterEvent> counters, int times) {
        for (int i = 0; i < times; i++) {
            Instant recorded = counters.handle("1", new Increment(1)).append().orElseThrow().recordedTime();
            recordedTimes.add(recorded);
            // Times have microsecond precision: let the clock move on so each revision has its own time.
            waitForClockToPass(recorded);
        }
        for (int r = 1; r < recordedTimes.size(); r++) {
            assertThat(recordedTimes.get(r)).as("precondition: distinct recorded times").isAfter(recordedTimes.get(r - 1));
        }
    }

    private static void waitForClockToPass(Instant time) {
        Instant passed = time.plusNanos(1_000);
        while (Instant.now().isBefore(passed)) {
            Thread.onSpinWait();
        }
    }

    private AggregateRepository<CounterCommand, Counter, CounterEvent> plain() {
        return AggregateRepository.builder(counting, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER).build();
    }

    private AggregateRepository<CounterCommand, Counter, CounterEvent> withSnapshotsEvery10() {
        return AggregateRepository.builder(counting, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER)
                .snapshots(SnapshotPolicy.every(10), JsonSnapshotCodec.of(Counter.class, 1))
                .build();
    }
}
