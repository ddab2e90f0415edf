package io.strata.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.EventFilter;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rebuilding version v+1 beside v and switching over, while events keep being appended. */
class ProjectionRebuildTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static Postgres postgres;

    @TempDir
    Path temp;
    private EmbeddedEventStore store;

    @BeforeAll
    static void startPostgres() {
        postgres = Postgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void open() {
        store = Accounts.open(temp.resolve("store"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /**
     * Appends on its own thread until stopped, at most ~2,500 events/s (10 every 4 ms): a service's
     * traffic, not a flood the projection could never catch up with on a shared 2-core machine.
     */
    private final class Writer implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong appended = new AtomicLong();
        final Thread thread;

        Writer(long seed) {
            Random random = new Random(seed);
            thread = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    Accounts.appendRandom(store, random, 10, 80);
                    appended.addAndGet(10);
                    java.util.concurrent.locks.LockSupport.parkNanos(4_000_000);
                }
            });
        }

        void awaitMore(long events) {
            long target = appended.get() + events;
            org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> appended.get() >= target);
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Projection<JdbcProjectionContext> balancesWithView(int version) {
        return Postgres.balancesBuilder("balances", version, true)
                .onActivate(context -> context.statement("CREATE OR REPLACE VIEW balances AS SELECT stream, events, balance FROM "
                        + context.table("balances")).execute())
                .build();
    }

    @Test
    void aSwitchOverLosesNoEventAppendedDuringTheRebuild() throws Exception {
        DataSource database = postgres.freshDatabase();
        JdbcCheckpointStore checkpoints = JdbcCheckpointStore.create(database);
        Accounts.appendRandom(store, new Random(1), 20_000, 80);
        ProjectionRunner v1 = ProjectionRunner.start(store, balancesWithView(1), checkpoints);
        assertThat(v1.awaitLive(TIMEOUT)).isTrue();
        assertThat(Postgres.readBalances(database, "balances")).isEqualTo(Accounts.fold(store)); // the view, on v1

        ProjectionRebuild rebuild;
        List<RebuildProgress> progress = new ArrayList<>();
        try (Writer writer = new Writer(2)) {
            writer.awaitMore(500);
            rebuild = ProjectionRebuild.start(ProjectionRunner.builder(store, balancesWithView(2), checkpoints).batchSize(300));
            assertThat(rebuild.replacing()).hasValueSatisfying(active -> assertThat(active.version()).isEqualTo(1));
            progress.add(rebuild.progress());
            writer.awaitMore(1_000);
            ProjectionRunner v2 = rebuild.switchOver(v1, TIMEOUT);
            progress.add(rebuild.progress());
            assertThat(v1.state()).isEqualTo(ProjectionRunner.State.STOPPED);
            assertThat(checkpoints.activeVersion("balances")).hasValueSatisfying(active -> {
                assertThat(active.version()).isEqualTo(2);
                assertThat(active.sideEffectsThrough()).isEqualTo(checkpoints.checkpoint("balances", 1));
            });
            assertThat(v2.state()).isIn(ProjectionRunner.State.CATCHING_UP, ProjectionRunner.State.LIVE);
            writer.awaitMore(1_000); // and more after the switch
        }
        Position head = Accounts.head(store);
        assertThat(rebuild.runner().awaitCheckpoint(head, TIMEOUT)).isTrue();
        Map<String, Accounts.Totals> fold = Accounts.fold(store);
        assertThat(fold.values().stream().mapToLong(Accounts.Totals::events).sum()).isEqualTo(head.value() + 1);
        assertThat(Postgres.readBalances(database, "balances_v2")).isEqualTo(fold);
        assertThat(Postgres.readBalances(database, "balances")).isEqualTo(fold); // readers now read v2
        assertThat(progress.get(0).version()).isEqualTo(2);
        assertThat(progress.get(1).checkpoint()).isPresent();
        assertThat(rebuild.runner().awaitLive(TIMEOUT)).isTrue();
        assertThat(rebuild.progress().positionsBehind()).isZero();
        assertThat(rebuild.progress().held()).isFalse();
        rebuild.runner().stop();
    }

    @Test
    void sideEffectsDoNotFireDuringARebuildAndFireOnceAfterTheSwitch() {
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        Map<UUID, List<Integer>> mailedBy = new ConcurrentHashMap<>();
        Map<Integer, AtomicLong> replays = new ConcurrentHashMap<>();
        Accounts.appendRandom(store, new Random(3), 1_000, 10);
        ProjectionRunner v1 = ProjectionRunner.start(store, mailer(1, mailedBy, replays), checkpoints);
        assertThat(v1.awaitLive(TIMEOUT)).isTrue();

        ProjectionRebuild rebuild = ProjectionRebuild.start(ProjectionRunner.builder(store, mailer(2, mailedBy, replays), checkpoints));
        assertThat(rebuild.awaitCaughtUp(TIMEOUT)).isTrue();
        Accounts.appendRandom(store, new Random(4), 300, 10);
        // The mailer handles withdrawals only; live, its checkpoint moves with them.
        Position during = lastWithdrawal();
        assertThat(v1.awaitCheckpoint(during, TIMEOUT)).isTrue();
        assertThat(rebuild.runner().awaitCheckpoint(during, TIMEOUT)).isTrue();
        assertThat(mailedBy.values()).allSatisfy(versions -> assertThat(versions).containsExactly(1));
        assertThat(replays.get(2).get()).isEqualTo(withdrawals().size()); // every v2 event so far was a replay

        ProjectionRunner v2 = rebuild.switchOver(v1, TIMEOUT);
        Accounts.appendRandom(store, new Random(5), 300, 10);
        assertThat(v2.awaitCheckpoint(lastWithdrawal(), TIMEOUT)).isTrue();
        v2.stop();

        List<RecordedEvent> withdrawals = withdrawals();
        assertThat(mailedBy).hasSize(withdrawals.size());
        for (RecordedEvent w : withdrawals) {
            List<Integer> by = mailedBy.get(w.id());
            assertThat(by).as("mails for %s", w).containsExactly(w.position().compareTo(during) <= 0 ? 1 : 2);
        }
    }

    @Test
    void withJdbcTheSideEffectsHandOverExactlyWhileTheOldVersionKeepsRunning() throws Exception {
        DataSource database = postgres.freshDatabase();
        JdbcCheckpointStore checkpoints = JdbcCheckpointStore.create(database);
        Map<UUID, List<Integer>> mailedBy = new ConcurrentHashMap<>();
        Accounts.appendRandom(store, new Random(6), 2_000, 20);
        ProjectionRunner v1 = ProjectionRunner.builder(store, jdbcMailer(1, mailedBy), checkpoints).batchSize(20).start();
        assertThat(v1.awaitLive(TIMEOUT)).isTrue();
        ProjectionRunner v2;
        try (Writer writer = new Writer(7)) {
            ProjectionRebuild rebuild = ProjectionRebuild.start(ProjectionRunner.builder(store, jdbcMailer(2, mailedBy), checkpoints).batchSize(20));
            writer.awaitMore(500);
            // The old version runs "in another process": not stopped, it must notice by itself.
            v2 = rebuild.switchOver(TIMEOUT);
            writer.awaitMore(500);
        }
        Position head = Accounts.head(store);
        assertThat(v1.awaitCheckpoint(head, TIMEOUT)).isTrue();
        assertThat(v2.awaitCheckpoint(head, TIMEOUT)).isTrue();
        v1.stop();
        v2.stop();
        List<RecordedEvent> withdrawals = withdrawals();
        assertThat(mailedBy).hasSize(withdrawals.size());
        assertThat(mailedBy.values()).allSatisfy(versions -> assertThat(versions).hasSize(1));
        assertThat(mailedBy.values()).anySatisfy(versions -> assertThat(versions).containsExactly(1))
                .anySatisfy(versions -> assertThat(versions).containsExactly(2));
    }

    @Test
    void aRebuildBesideAStoppedVersionWaitsAtItsCheckpointAndTakesOverTheEffectsNobodyFired() {
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        Map<UUID, List<Integer>> mailedBy = new ConcurrentHashMap<>();
        Map<Integer, AtomicLong> replays = new ConcurrentHashMap<>();
        Accounts.appendRandom(store, new Random(8), 1_000, 10);
        ProjectionRunner v1 = ProjectionRunner.start(store, mailer(1, mailedBy, replays), checkpoints);
        assertThat(v1.awaitLive(TIMEOUT)).isTrue();
        v1.stop(); // the old version's process is gone
        Position v1Reached = checkpoints.checkpoint("mailer", 1).orElseThrow();
        Accounts.appendRandom(store, new Random(9), 500, 10); // nobody mails these yet

        ProjectionRebuild rebuild = ProjectionRebuild.start(ProjectionRunner.builder(store, mailer(2, mailedBy, replays), checkpoints));
        assertThat(rebuild.awaitCaughtUp(TIMEOUT)).isTrue();
        RebuildProgress progress = rebuild.progress();
        assertThat(progress.held()).isTrue();
        assertThat(progress.checkpoint()).hasValueSatisfying(p -> assertThat(p).isLessThanOrEqualTo(v1Reached));
        assertThat(mailedBy.values()).allSatisfy(versions -> assertThat(versions).containsExactly(1));

        ProjectionRunner v2 = rebuild.switchOver(TIMEOUT);
        assertThat(v2.awaitCheckpoint(lastWithdrawal(), TIMEOUT)).isTrue();
        assertThat(v2.isHeld()).isFalse();
        v2.stop();
        List<RecordedEvent> withdrawals = withdrawals();
        assertThat(mailedBy).hasSize(withdrawals.size());
        for (RecordedEvent w : withdrawals) {
            assertThat(mailedBy.get(w.id())).as("mails for %s", w).containsExactly(w.position().compareTo(v1Reached) <= 0 ? 1 : 2);
        }
    }

    @Test
    void aRebuildNeedsAVersionAboveTheActiveOne() {
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        MemoryBalances model = new MemoryBalances();
        try (ProjectionRunner v2 = ProjectionRunner.start(store, model.projection("balances", 2), checkpoints)) {
            assertThat(v2.awaitLive(TIMEOUT)).isTrue();
            assertThatThrownBy(() -> ProjectionRebuild.start(ProjectionRunner.builder(store, model.projection("balances", 2), checkpoints)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2 is active");
        }
    }

    private Position lastWithdrawal() {
        List<RecordedEvent> all = withdrawals();
        return all.get(all.size() - 1).position();
    }

    private List<RecordedEvent> withdrawals() {
        return Accounts.readAll(store, EventFilter.types(Accounts.WITHDRAWN));
    }

    private static Projection<ProjectionContext> mailer(int version, Map<UUID, List<Integer>> mailedBy, Map<Integer, AtomicLong> replays) {
        return Projection.builder("mailer").version(version)
                .on(Accounts.WITHDRAWN, (event, context) -> {
                    if (context.isReplay()) {
                        replays.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
                    }
                    context.sideEffect(() -> mailedBy.computeIfAbsent(event.id(), id -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(version));
                })
                .build();
    }

    private static Projection<JdbcProjectionContext> jdbcMailer(int version, Map<UUID, List<Integer>> mailedBy) {
        return Postgres.balancesBuilder("balances", version, false)
                .onAnyType((event, context) -> {
                    if (event.type().equals(Accounts.WITHDRAWN)) {
                        context.sideEffect(() -> mailedBy.computeIfAbsent(event.id(), id -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(version));
                    }
                })
                .build();
    }
}
