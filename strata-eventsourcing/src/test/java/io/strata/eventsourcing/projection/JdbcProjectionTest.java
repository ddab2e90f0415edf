package io.strata.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.core.EventFilter;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JDBC projections against a real (embedded) PostgreSQL: the model and the checkpoint commit together. */
class JdbcProjectionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static Postgres postgres;

    @TempDir
    Path temp;
    private EmbeddedEventStore store;
    private DataSource database;

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
        database = postgres.freshDatabase();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @ParameterizedTest(name = "batched statements: {0}")
    @ValueSource(booleans = {false, true})
    void eachEventTakesEffectOnceAcrossStopAndRestart(boolean batched) {
        JdbcCheckpointStore checkpoints = JdbcCheckpointStore.create(database);
        Accounts.appendRandom(store, new Random(1), 3_000, 40);
        ProjectionRunner first = ProjectionRunner.builder(store, Postgres.balances("balances", 1, batched), checkpoints)
                .batchSize(200).start();
        assertThat(first.awaitLive(TIMEOUT)).isTrue();
        Position last = Accounts.appendRandom(store, new Random(2), 500, 40);
        assertThat(first.awaitCheckpoint(last, TIMEOUT)).isTrue();
        first.stop();
        assertThat(Postgres.readBalances(database, "balances_v1")).isEqualTo(Accounts.fold(store));
        assertThat(checkpoints.checkpoint("balances", 1)).contains(last);

        Position more = Accounts.appendRandom(store, new Random(3), 1_000, 50);
        try (ProjectionRunner second = ProjectionRunner.start(store, Postgres.balances("balances", 1, batched), checkpoints)) {
            assertThat(second.awaitCheckpoint(more, TIMEOUT)).isTrue();
            assertThat(second.eventsHandled()).isEqualTo(1_000);
        }
        assertThat(Postgres.readBalances(database, "balances_v1")).isEqualTo(Accounts.fold(store));
        assertThat(checkpoints.activeVersion("balances")).contains(new ActiveVersion("balances", 1, java.util.Optional.empty()));
    }

    @Test
    void aFailedHandlerRollsBackItsTransactionAndTheRetryAppliesNothingTwice() {
        Accounts.appendRandom(store, new Random(4), 1_000, 20);
        RecordedEvent flaky = Accounts.readAll(store, EventFilter.ALL).get(555);
        AtomicInteger failuresLeft = new AtomicInteger(3);
        Projection<JdbcProjectionContext> balances = Postgres.balancesBuilder("balances", 1, false)
                .onAnyType((event, context) -> {
                    // after the balance upsert of this event, in the same transaction
                    if (event.id().equals(flaky.id()) && failuresLeft.getAndDecrement() > 0) {
                        throw new java.sql.SQLTransientException("deadlock detected (simulated)");
                    }
                })
                .build();
        try (ProjectionRunner runner = ProjectionRunner.builder(store, balances, JdbcCheckpointStore.create(database))
                .batchSize(250).retry(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(10))).start()) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
        }
        assertThat(failuresLeft.get()).isNegative();
        assertThat(Postgres.readBalances(database, "balances_v1")).isEqualTo(Accounts.fold(store));
    }

    @Test
    void aHandlerThatKeepsFailingStopsWithTheCheckpointJustBeforeIt() {
        Accounts.appendRandom(store, new Random(5), 600, 20);
        List<RecordedEvent> log = Accounts.readAll(store, EventFilter.ALL);
        RecordedEvent poison = log.get(321);
        Projection<JdbcProjectionContext> balances = Postgres.balancesBuilder("balances", 1, true)
                .onAnyType((event, context) -> {
                    if (event.id().equals(poison.id())) {
                        throw new IllegalArgumentException("amount out of range");
                    }
                })
                .build();
        JdbcCheckpointStore checkpoints = JdbcCheckpointStore.create(database);
        ProjectionRunner runner = ProjectionRunner.builder(store, balances, checkpoints)
                .batchSize(100).retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1))).start();
        assertThat(runner.awaitTermination(TIMEOUT)).isTrue();
        assertThat(runner.failure()).hasValueSatisfying(f -> {
            assertThat(f.stage()).isEqualTo(ProjectionFailure.Stage.HANDLE);
            assertThat(f.event()).contains(poison);
            assertThat(f.attempts()).isEqualTo(3);
        });
        assertThat(checkpoints.checkpoint("balances", 1)).contains(Position.of(320));
        Map<String, Accounts.Totals> foldBeforePoison = new java.util.TreeMap<>();
        for (RecordedEvent e : log.subList(0, 321)) {
            foldBeforePoison.merge(e.stream(), new Accounts.Totals(1, Accounts.signedAmount(e)),
                    (a, b) -> new Accounts.Totals(a.events() + b.events(), a.balance() + b.balance()));
        }
        assertThat(Postgres.readBalances(database, "balances_v1")).isEqualTo(foldBeforePoison);
    }

    @Test
    void aSecondRunnerOfTheSameVersionStopsInsteadOfApplyingEventsTwice() {
        JdbcCheckpointStore checkpoints = JdbcCheckpointStore.create(database);
        Accounts.appendRandom(store, new Random(6), 100, 5);
        ProjectionRunner a = ProjectionRunner.start(store, Postgres.balances("balances", 1, false), checkpoints);
        assertThat(a.awaitLive(TIMEOUT)).isTrue();
        ProjectionRunner b = ProjectionRunner.start(store, Postgres.balances("balances", 1, false), checkpoints);
        assertThat(b.awaitLive(TIMEOUT)).isTrue();
        Accounts.appendRandom(store, new Random(7), 300, 5);
        await().atMost(TIMEOUT).until(() -> a.state() == ProjectionRunner.State.FAILED || b.state() == ProjectionRunner.State.FAILED);
        ProjectionRunner loser = a.failure().isPresent() ? a : b;
        ProjectionRunner winner = loser == a ? b : a;
        assertThat(loser.failure().orElseThrow().cause()).isInstanceOf(CheckpointConflictException.class);
        assertThat(winner.awaitCheckpoint(Accounts.head(store), TIMEOUT)).isTrue();
        winner.stop();
        assertThat(Postgres.readBalances(database, "balances_v1")).isEqualTo(Accounts.fold(store));
    }

    @Test
    void readersFindTheActiveVersionOfAProjection() {
        JdbcCheckpointStore checkpoints = JdbcCheckpointStore.create(database);
        assertThat(checkpoints.activeVersion("balances")).isEmpty();
        try (ProjectionRunner runner = ProjectionRunner.start(store, Postgres.balances("balances", 3, false), checkpoints)) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
        }
        assertThat(checkpoints.activeVersion("balances")).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(3));
        assertThat(checkpoints.checkpoint("balances", 3)).isEmpty(); // an empty log: nothing done yet
    }

    @Test
    void aCommitWhoseAnswerWasLostIsNotAppliedAgain() {
        Accounts.appendRandom(store, new Random(8), 1_000, 20);
        AtomicInteger commits = new AtomicInteger();
        AtomicInteger lostAnswers = new AtomicInteger();
        // The 3rd and 7th commits go through in PostgreSQL, then the driver reports a broken connection.
        DataSource flaky = losingCommitAnswers(database, commit -> {
            int n = commits.incrementAndGet();
            if (n == 3 || n == 7) {
                lostAnswers.incrementAndGet();
                return true;
            }
            return false;
        });
        try (ProjectionRunner runner = ProjectionRunner.builder(store, Postgres.balances("balances", 1, true), JdbcCheckpointStore.create(flaky))
                .batchSize(100).retry(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(10))).start()) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
            assertThat(runner.failure()).isEmpty();
        }
        assertThat(lostAnswers).hasValue(2);
        assertThat(Postgres.readBalances(database, "balances_v1")).isEqualTo(Accounts.fold(store));
    }

    /**
     * The real database behind connections whose {@code commit()} commits and then, when
     * {@code loseAnswer} says so, throws as if the connection broke before the answer arrived.
     */
    private static DataSource losingCommitAnswers(DataSource real, java.util.function.IntPredicate loseAnswer) {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(JdbcProjectionTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (!(result instanceof java.sql.Connection connection)) {
                        return result;
                    }
                    return java.lang.reflect.Proxy.newProxyInstance(JdbcProjectionTest.class.getClassLoader(),
                            new Class<?>[] {java.sql.Connection.class}, (p, m, a) -> {
                                Object r = invoke(connection, m, a);
                                if (m.getName().equals("commit") && loseAnswer.test(0)) {
                                    throw new java.sql.SQLException("I/O error: connection reset (simulated, after the commit)", "08006");
                                }
                                return r;
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
