package io.strata.eventsourcing;

import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.eventsourcing.Counters.Counter;
import io.strata.eventsourcing.Counters.CounterCommand;
import io.strata.eventsourcing.Counters.CounterEvent;
import io.strata.eventsourcing.Counters.Increment;
import io.strata.eventsourcing.Counters.Incremented;
import io.strata.eventsourcing.serialization.EventMetadata;
import io.strata.eventsourcing.snapshot.JsonSnapshotCodec;
import io.strata.eventsourcing.snapshot.SnapshotPolicy;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Commands per second through {@link AggregateRepository} (load + decide + append, one event per
 * command) against the embedded engine with durability {@code fsync}, for aggregates that start at
 * 10 and at 1,000 events, without and with snapshots (every 100 events), from 1 and 16 client threads.
 * Not a test and not JMH: a plain {@code main}, run with the test classpath (see docs/benchmarks.md).
 *
 * <p>Each scenario has its own aggregates, written directly in batches (not timed), then one untimed
 * command per aggregate (so snapshots exist where they are on, and the JIT is warm), then commands on
 * random aggregates for a fixed time. Arguments: seconds per scenario (default 5), a directory for
 * the store (default: a temporary one, deleted afterwards).
 */
public final class RepositoryThroughput {
    private static final int SNAPSHOT_EVERY = 100;

    record Scenario(int eventsPerAggregate, int aggregates, boolean snapshots, int threads) {
        String category() {
            return "bench" + eventsPerAggregate + (snapshots ? "snap" : "plain") + "t" + threads;
        }
    }

    record Result(Scenario scenario, long commands, double seconds, long[] latenciesNanos) {
        double perSecond() {
            return commands / seconds;
        }

        double percentileMillis(double p) {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        boolean temporary = args.length < 2;
        Path directory = temporary ? Files.createTempDirectory("strata-es-bench") : Path.of(args[1]);
        List<Scenario> scenarios = new ArrayList<>();
        for (int threads : new int[] {1, 16}) {
            for (int events : new int[] {10, 1000}) {
                for (boolean snapshots : new boolean[] {false, true}) {
                    scenarios.add(new Scenario(events, events == 10 ? 1000 : 64, snapshots, threads));
                }
            }
        }
        System.out.printf("durability fsync, %d cores, JDK %s, %.0f s per scenario, snapshots every %d events%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), seconds, SNAPSHOT_EVERY);
        System.out.println("| events per aggregate (start) | snapshots | threads | commands/s | p50 ms | p99 ms | commands |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(directory).durability(Durability.FSYNC).build())) {
            for (Scenario scenario : scenarios) {
                Result result = run(store, scenario, seconds);
                System.out.printf("| %,d | %s | %d | %,.0f | %.2f | %.2f | %,d |%n", scenario.eventsPerAggregate(),
                        scenario.snapshots() ? "every " + SNAPSHOT_EVERY : "no", scenario.threads(), result.perSecond(),
                        result.percentileMillis(0.50), result.percentileMillis(0.99), result.commands());
            }
        } finally {
            if (temporary) {
                deleteRecursively(directory);
            }
        }
    }

    static Result run(EmbeddedEventStore store, Scenario scenario, double seconds) throws Exception {
        var builder = AggregateRepository.builder(store, scenario.category(), Counters.DECIDER, Counters.SERIALIZER);
        if (scenario.snapshots()) {
            builder.snapshots(SnapshotPolicy.every(SNAPSHOT_EVERY), JsonSnapshotCodec.of(Counter.class, 1));
        }
        AggregateRepository<CounterCommand, Counter, CounterEvent> repository = builder.build();
        populate(store, repository, scenario);
        for (int a = 0; a < scenario.aggregates(); a++) {
            repository.handle(Integer.toString(a), new Increment(1)); // warm-up; takes the first snapshots
        }
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Future<long[]>> workers = new ArrayList<>();
        long started = System.nanoTime();
        try (ExecutorService threads = Executors.newFixedThreadPool(scenario.threads())) {
            for (int t = 0; t < scenario.threads(); t++) {
                workers.add(threads.submit(() -> commandsUntil(repository, scenario.aggregates(), deadline)));
            }
            List<long[]> latencies = new ArrayList<>();
            for (Future<long[]> worker : workers) {
                latencies.add(worker.get());
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            long[] all = latencies.stream().flatMapToLong(Arrays::stream).toArray();
            return new Result(scenario, all.length, elapsed, all);
        }
    }

    private static long[] commandsUntil(AggregateRepository<CounterCommand, Counter, CounterEvent> repository, int aggregates,
                                        long deadline) {
        long[] latencies = new long[1 << 16];
        int count = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long now = System.nanoTime();
        while (now < deadline) {
            repository.handle(Integer.toString(random.nextInt(aggregates)), new Increment(1));
            long done = System.nanoTime();
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = done - now;
            now = done;
        }
        return Arrays.copyOf(latencies, count);
    }

    /** Writes each aggregate's starting events straight to the store, 500 to an append. */
    private static void populate(EmbeddedEventStore store, AggregateRepository<?, ?, ?> repository, Scenario scenario) {
        EventData event = Counters.SERIALIZER.serialize(new Incremented(1), EventMetadata.of("populate", "populate"));
        for (int a = 0; a < scenario.aggregates(); a++) {
            String stream = repository.streamOf(Integer.toString(a));
            for (int written = 0; written < scenario.eventsPerAggregate(); written += 500) {
                int batch = Math.min(500, scenario.eventsPerAggregate() - written);
                store.append(stream, written == 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(written - 1),
                        java.util.Collections.nCopies(batch, event));
            }
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RepositoryThroughput() {
    }
}
