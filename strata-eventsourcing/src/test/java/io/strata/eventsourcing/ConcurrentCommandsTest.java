package io.strata.eventsourcing;

import io.strata.core.ReadStreamOptions;
import io.strata.eventsourcing.Counters.Counter;
import io.strata.eventsourcing.Counters.CounterCommand;
import io.strata.eventsourcing.Counters.CounterEvent;
import io.strata.eventsourcing.Counters.Increment;
import io.strata.eventsourcing.snapshot.JsonSnapshotCodec;
import io.strata.eventsourcing.snapshot.SnapshotPolicy;
import io.strata.storage.EmbeddedEventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** 16 threads × 50 increments of one counter: the result must equal the serial one, 800. */
class ConcurrentCommandsTest {
    static final int THREADS = 16;
    static final int COMMANDS_PER_THREAD = 50;
    static final int SERIAL_RESULT = THREADS * COMMANDS_PER_THREAD;

    @TempDir
    Path directory;

    @Test
    void purelyOptimisticWritersRetryConflictsAndLoseNoUpdate() throws Exception {
        try (EmbeddedEventStore store = TestStores.open(directory)) {
            // One repository per thread, as if 16 service instances shared the store: every conflict is
            // real, and only the expected revision and the retries keep the count right. Snapshots are
            // on too, so concurrent (and out-of-order) snapshot writes are part of what must not lose
            // an update.
            IntFunction<AggregateRepository<CounterCommand, Counter, CounterEvent>> instance = thread -> AggregateRepository
                    .builder(store, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER)
                    .perAggregateLocking(false)
                    .retry(new ConflictRetryPolicy(200, Duration.ofMillis(1), Duration.ofMillis(20)))
                    .snapshots(SnapshotPolicy.every(50), JsonSnapshotCodec.of(Counter.class, 1))
                    .build();

            Outcome outcome = run(instance);

            assertNoLostUpdate(store, outcome);
            assertThat(outcome.retries.get()).as("the conflict path was really exercised").isPositive();
        }
    }

    @Test
    void threadsSharingOneRepositoryTakeTurnsAndLoseNoUpdate() throws Exception {
        try (EmbeddedEventStore store = TestStores.open(directory)) {
            var shared = AggregateRepository.builder(store, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER).build();

            Outcome outcome = run(thread -> shared);

            assertNoLostUpdate(store, outcome);
            assertThat(outcome.retries.get()).as("in-process commands queue instead of conflicting").isZero();
        }
    }

    record Outcome(Set<Long> revisionsReported, AtomicInteger retries) {
    }

    private static Outcome run(IntFunction<AggregateRepository<CounterCommand, Counter, CounterEvent>> repositoryOfThread)
            throws Exception {
        Outcome outcome = new Outcome(ConcurrentHashMap.newKeySet(), new AtomicInteger());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                var counters = repositoryOfThread.apply(t);
                workers.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < COMMANDS_PER_THREAD; i++) {
                        var result = counters.handle("shared", new Increment(1));
                        outcome.revisionsReported().add(result.revision().orElseThrow());
                        outcome.retries().addAndGet(result.attempts() - 1);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(5, TimeUnit.MINUTES); // rethrows a worker's failure, e.g. exhausted retries
            }
        }
        return outcome;
    }

    private static void assertNoLostUpdate(EmbeddedEventStore store, Outcome outcome) {
        var counters = AggregateRepository.builder(store, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER).build();
        assertThat(counters.load("shared").state()).isEqualTo(new Counter(SERIAL_RESULT, SERIAL_RESULT));
        assertThat(store.readStream("counter-shared", ReadStreamOptions.backwards().limit(1)).lastRevision())
                .as("exactly one event per command").isEqualTo(SERIAL_RESULT - 1);
        assertThat(outcome.revisionsReported()).as("every command saw its own revision").hasSize(SERIAL_RESULT);
    }
}
