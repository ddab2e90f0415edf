package io.strata.eventsourcing.projection;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.Position;
import io.strata.storage.EmbeddedEventStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;

/**
 * Scratch benchmark (not a test): how fast a projection catches up from the start of the log, into
 * memory and into PostgreSQL. Writes N events of ~256 bytes (data + metadata) in 10,000 streams
 * with durability none, then times each run from start until the runner committed through the head.
 *
 * <pre>
 *   ./mvnw -q -o -pl strata-eventsourcing test-compile
 *   ./mvnw -q -o -pl strata-eventsourcing dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   java -Xmx2g -cp strata-eventsourcing/target/test-classes:strata-eventsourcing/target/classes:$(cat /tmp/cp.txt) \
 *       io.strata.eventsourcing.projection.ProjectionCatchUpBenchmark [events] [folder]
 * </pre>
 *
 * The embedded PostgreSQL runs with its defaults, which turn fsync off: the JDBC figures are an
 * upper bound for a database that syncs its commits.
 */
public final class ProjectionCatchUpBenchmark {
    private ProjectionCatchUpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path folder = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("projection-bench");
        try (EmbeddedEventStore store = Accounts.open(folder.resolve("store"))) {
            long t0 = System.nanoTime();
            Position head = write(store, events);
            System.out.printf("wrote %,d events (~256 B each) in %.1f s; head %s%n", events, seconds(t0), head);

            for (int run = 1; run <= 3; run++) {
                Map<String, long[]> model = new HashMap<>();
                Projection<ProjectionContext> balances = Projection.builder("memory-" + run)
                        .on(Accounts.DEPOSITED, (event, context) -> add(model, event.stream(), Accounts.signedAmount(event)))
                        .on(Accounts.WITHDRAWN, (event, context) -> add(model, event.stream(), Accounts.signedAmount(event)))
                        .build();
                time("memory (InMemoryCheckpointStore), batch 500, run " + run, events,
                        ProjectionRunner.builder(store, balances, new InMemoryCheckpointStore()).batchSize(500), head);
            }
            for (int run = 1; run <= 2; run++) {
                Map<String, long[]> model = new HashMap<>();
                Projection<ProjectionContext> balances = Projection.builder("memory-es-" + run)
                        .on(Accounts.DEPOSITED, (event, context) -> add(model, event.stream(), Accounts.signedAmount(event)))
                        .on(Accounts.WITHDRAWN, (event, context) -> add(model, event.stream(), Accounts.signedAmount(event)))
                        .build();
                time("memory (EventStoreCheckpointStore every 1,000 events / 1 s), batch 500, run " + run, events,
                        ProjectionRunner.builder(store, balances, EventStoreCheckpointStore.create(store)).batchSize(500), head);
            }

            try (Postgres postgres = Postgres.start()) {
                for (boolean batched : new boolean[] {true, false}) {
                    for (int batchSize : new int[] {500, 100}) {
                        DataSource database = postgres.freshDatabase();
                        time("PostgreSQL (JdbcCheckpointStore, fsync off), " + (batched ? "JDBC-batched upserts" : "one upsert round trip per event")
                                        + ", batch " + batchSize, events,
                                ProjectionRunner.builder(store, Postgres.balances("balances", 1, batched), JdbcCheckpointStore.create(database))
                                        .batchSize(batchSize), head);
                        if (!Postgres.readBalances(database, "balances_v1").equals(Accounts.fold(store))) {
                            throw new AssertionError("the PostgreSQL model is not the fold of the log");
                        }
                    }
                }
            }
        }
    }

    private static void add(Map<String, long[]> model, String stream, long amount) {
        long[] totals = model.computeIfAbsent(stream, s -> new long[2]);
        totals[0]++;
        totals[1] += amount;
    }

    private static <C extends ProjectionContext> void time(String what, int events, ProjectionRunner.Builder<C> runner, Position head) {
        long t0 = System.nanoTime();
        try (ProjectionRunner r = runner.start()) {
            if (!r.awaitCheckpoint(head, Duration.ofHours(1))) {
                throw new IllegalStateException("did not catch up: " + r);
            }
        }
        double s = seconds(t0);
        System.out.printf("%-110s %8.2f s  %,10.0f events/s%n", what, s, events / s);
    }

    /** Deposits and withdrawals of {"amount":N,"note":"…"} padded so data + metadata ≈ 256 bytes. */
    private static Position write(EmbeddedEventStore store, int events) {
        Random random = new Random(42);
        String note = "x".repeat(200);
        byte[] metadata = "{\"correlationId\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8);
        Position last = null;
        for (int written = 0; written < events; ) {
            int batch = Math.min(100, events - written);
            List<EventData> data = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                String type = random.nextInt(4) == 0 ? Accounts.WITHDRAWN : Accounts.DEPOSITED;
                byte[] json = ("{\"amount\":" + (1 + random.nextInt(1000)) + ",\"note\":\"" + note + "\"}").getBytes(StandardCharsets.UTF_8);
                data.add(EventData.builder(type).data(json).metadata(metadata).build());
            }
            last = store.append("account-" + random.nextInt(10_000), ExpectedRevision.ANY, data).lastPosition();
            written += batch;
        }
        return last;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
