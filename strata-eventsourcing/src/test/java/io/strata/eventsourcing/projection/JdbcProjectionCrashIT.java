package io.strata.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once, with a real crash: a child JVM ({@link JdbcProjectionChild}) projects 50,000 events of
 * 500 streams into a real PostgreSQL and is killed with SIGKILL three times in mid-stream (each time
 * after its checkpoint moved, before the end); a last child runs to the end. After every kill the
 * read model equals the fold of the log up to the committed checkpoint (the model and the checkpoint
 * moved together), and at the end it equals the fold of the whole log: no event lost, none applied
 * twice.
 *
 * <p>The parent writes the store and closes it; the engine allows one process at a time, and only the
 * child opens it while the kills happen. The parent watches the child's progress in
 * {@code projection_checkpoints}.
 */
class JdbcProjectionCrashIT {
    private static final int EVENTS = 50_000;
    private static final int STREAMS = 500;
    private static final int KILLS = 3;
    private static Postgres postgres;

    @TempDir
    Path temp;

    @BeforeAll
    static void startPostgres() {
        postgres = Postgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Test
    void theReadModelEqualsTheFoldOfTheLogAfterSigkillsMidStream() throws Exception {
        long seed = Long.getLong("strata.seed", new Random().nextLong());
        System.out.printf("JdbcProjectionCrashIT: seed %d (rerun with -Dstrata.seed=%d)%n", seed, seed);
        Random random = new Random(seed);
        Path storeFolder = temp.resolve("store");
        try (EventStore store = Accounts.open(storeFolder)) {
            Accounts.appendRandom(store, random, EVENTS, STREAMS);
        }
        DataSource database = postgres.freshDatabase();
        String jdbcUrl = postgres.jdbcUrl(database);

        long last = EVENTS - 1;
        long checkpoint = -1;
        for (int kill = 1; kill <= KILLS; kill++) {
            // Kill somewhere in the next sixth of the log: after progress, well before the end.
            long killAfter = checkpoint + 1 + random.nextInt(EVENTS / 6);
            Process child = startChild(storeFolder, jdbcUrl, kill);
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (Postgres.checkpoint(database, "balances", 1) < killAfter && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                assertThat(child.isAlive()).as("child %d still running at checkpoint %d (target %d); output: %s", kill,
                        Postgres.checkpoint(database, "balances", 1), killAfter, output(kill)).isTrue();
            } finally {
                child.destroyForcibly(); // SIGKILL on Linux
                child.waitFor(1, TimeUnit.MINUTES);
            }
            assertThat(child.exitValue()).as("exit code of a SIGKILLed child (128 + 9)").isEqualTo(137);
            long after = Postgres.checkpoint(database, "balances", 1);
            assertThat(after).as("checkpoint after kill %d", kill).isGreaterThan(checkpoint).isLessThan(last);
            checkpoint = after;
            assertThat(Postgres.readBalances(database, "balances_v1"))
                    .as("the model after kill %d equals the fold through the checkpoint %d", kill, checkpoint)
                    .isEqualTo(foldThrough(storeFolder, checkpoint));
            System.out.printf("JdbcProjectionCrashIT: kill %d at checkpoint %d%n", kill, checkpoint);
        }

        Process last_ = startChild(storeFolder, jdbcUrl, KILLS + 1);
        assertThat(last_.waitFor(5, TimeUnit.MINUTES)).as("the last child finished").isTrue();
        assertThat(last_.exitValue()).as("output: %s", output(KILLS + 1)).isZero();
        assertThat(Postgres.checkpoint(database, "balances", 1)).isEqualTo(last);
        Map<String, Accounts.Totals> fold = foldThrough(storeFolder, last);
        assertThat(fold.values().stream().mapToLong(Accounts.Totals::events).sum()).isEqualTo(EVENTS);
        assertThat(Postgres.readBalances(database, "balances_v1")).isEqualTo(fold);
    }

    private Process startChild(Path storeFolder, String jdbcUrl, int run) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", classPath(),
                JdbcProjectionChild.class.getName(), storeFolder.toString(), jdbcUrl, "100");
        return new ProcessBuilder(command)
                .redirectOutput(temp.resolve("child-" + run + ".out").toFile())
                .redirectError(temp.resolve("child-" + run + ".err").toFile())
                .start();
    }

    private String output(int run) throws IOException {
        return Files.readString(temp.resolve("child-" + run + ".out")) + Files.readString(temp.resolve("child-" + run + ".err"));
    }

    private static Map<String, Accounts.Totals> foldThrough(Path storeFolder, long position) {
        Map<String, Accounts.Totals> totals = new TreeMap<>();
        try (EmbeddedEventStore store = Accounts.open(storeFolder)) {
            for (RecordedEvent event : Accounts.readAll(store, EventFilter.ALL)) {
                if (event.position().value() <= position) {
                    totals.merge(event.stream(), new Accounts.Totals(1, Accounts.signedAmount(event)),
                            (a, b) -> new Accounts.Totals(a.events() + b.events(), a.balance() + b.balance()));
                }
            }
        }
        return totals;
    }

    /** The test class path, plus the code sources of what the child needs in case it is a manifest-only jar. */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (Class<?> c : List.of(JdbcProjectionChild.class, ProjectionRunner.class, EmbeddedEventStore.class, EventStore.class,
                org.postgresql.ds.PGSimpleDataSource.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (Exception e) {
                // java.class.path will have to do
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
