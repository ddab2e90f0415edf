package io.strata.eventsourcing;

import io.strata.core.ReadStreamOptions;
import io.strata.eventsourcing.Counters.Counter;
import io.strata.eventsourcing.Counters.CounterCommand;
import io.strata.eventsourcing.Counters.CounterEvent;
import io.strata.eventsourcing.Counters.Increment;
import io.strata.eventsourcing.snapshot.EventStoreSnapshotStore;
import io.strata.eventsourcing.snapshot.JsonSnapshotCodec;
import io.strata.eventsourcing.snapshot.Snapshot;
import io.strata.eventsourcing.snapshot.SnapshotCodec;
import io.strata.eventsourcing.snapshot.SnapshotPolicy;
import io.strata.storage.EmbeddedEventStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotTest {
    static final String STREAM = "counter-1";
    static final String SNAPSHOTS = "snapshot-counter-1";

    @TempDir
    Path directory;
    EmbeddedEventStore store;
    CountingEventStore counting;

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
    void aSnapshotIsSavedOnceNEventsFollowTheLastOne() {
        var counters = repository(JsonSnapshotCodec.of(Counter.class, 1));
        increment(counters, 25);

        EventStoreSnapshotStore snapshots = new EventStoreSnapshotStore(store);
        assertThat(store.readStream(SNAPSHOTS, ReadStreamOptions.forwards()).events()).hasSize(2);
        assertThat(snapshots.latest(STREAM)).map(Snapshot::aggregateRevision).hasValue(19L);
        assertThat(snapshots.latestAtOrBefore(STREAM, 18)).map(Snapshot::aggregateRevision).hasValue(9L);
        assertThat(snapshots.latestAtOrBefore(STREAM, 8)).isEmpty();
        assertThat(snapshots.latest(STREAM).map(s -> JsonSnapshotCodec.of(Counter.class, 1).decode(s.state())))
                .hasValue(new Counter(20, 20));
    }

    @Test
    void aLoadReadsTheSnapshotAndOnlyTheEventsAfterIt() {
        var counters = repository(JsonSnapshotCodec.of(Counter.class, 1));
        increment(counters, 25); // snapshots at revisions 9 and 19
        counting.reset();

        LoadedAggregate<Counter> loaded = counters.load("1");

        assertThat(loaded.state()).isEqualTo(new Counter(25, 25));
        assertThat(loaded.revision()).hasValue(24);
        assertThat(counting.eventsRead(SNAPSHOTS)).isEqualTo(1);
        assertThat(counting.eventsRead(STREAM)).isEqualTo(5); // revisions 20..24
    }

    @Test
    void withoutSnapshotsALoadReadsEveryEvent() {
        var counters = AggregateRepository.builder(counting, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER).build();
        increment(counters, 25);
        counting.reset();

        assertThat(counters.load("1").state()).isEqualTo(new Counter(25, 25));
        assertThat(counting.eventsRead(STREAM)).isEqualTo(25);
        assertThat(counting.eventsRead(SNAPSHOTS)).isZero();
    }

    @Test
    void aSnapshotOfAnOldStateVersionIsIgnoredThenReplaced() {
        increment(repository(JsonSnapshotCodec.of(Counter.class, 1)), 25);
        CountingCodec version2 = new CountingCodec(JsonSnapshotCodec.of(Counter.class, 2));
        var counters = repository(version2);
        counting.reset();

        assertThat(counters.load("1").state()).isEqualTo(new Counter(25, 25));
        assertThat(version2.decodes.get()).as("a v1 snapshot must not be handed to the v2 codec").isZero();
        assertThat(counting.eventsRead(STREAM)).isEqualTo(25);

        counters.handle("1", new Increment(1)); // 26 events since the last usable snapshot: due at once
        counting.reset();

        assertThat(counters.load("1").state()).isEqualTo(new Counter(26, 26));
        assertThat(version2.decodes.get()).isEqualTo(1);
        assertThat(counting.eventsRead(STREAM)).isZero();
        assertThat(new EventStoreSnapshotStore(store).latest(STREAM)).hasValueSatisfying(snapshot -> {
            assertThat(snapshot.stateVersion()).isEqualTo(2);
            assertThat(snapshot.aggregateRevision()).isEqualTo(25);
        });
    }

    @Test
    void anUnreadableSnapshotFallsBackToTheEvents() {
        var counters = repository(JsonSnapshotCodec.of(Counter.class, 1));
        increment(counters, 12);
        new EventStoreSnapshotStore(store).save(new Snapshot(STREAM, 11, 1, "not json".getBytes()));

        assertThat(counters.load("1").state()).isEqualTo(new Counter(12, 12));
    }

    private AggregateRepository<CounterCommand, Counter, CounterEvent> repository(SnapshotCodec<Counter> codec) {
        return AggregateRepository.builder(counting, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER)
                .snapshots(SnapshotPolicy.every(10), codec)
                .build();
    }

    static void increment(AggregateRepository<CounterCommand, Counter, CounterEvent> counters, int times) {
        for (int i = 0; i < times; i++) {
            counters.handle("1", new Increment(1));
        }
    }

    /** Counts decodes, to see which snapshots reach the codec. */
    record CountingCodec(SnapshotCodec<Counter> delegate, AtomicInteger decodes) implements SnapshotCodec<Counter> {
        CountingCodec(SnapshotCodec<Counter> delegate) {
            this(delegate, new AtomicInteger());
        }

        @Override
        public int stateVersion() {
            return delegate.stateVersion();
        }

        @Override
        public byte[] encode(Counter state) {
            return delegate.encode(state);
        }

        @Override
        public Counter decode(byte[] bytes) {
            decodes.incrementAndGet();
            return delegate.decode(bytes);
        }
    }
}
