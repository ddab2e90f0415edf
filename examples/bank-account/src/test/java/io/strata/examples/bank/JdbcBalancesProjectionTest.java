package io.strata.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.AllSlice;
import io.strata.core.EventFilter;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.eventsourcing.projection.JdbcCheckpointStore;
import io.strata.eventsourcing.projection.JdbcProjectionContext;
import io.strata.eventsourcing.projection.Projection;
import io.strata.eventsourcing.projection.ProjectionFailure;
import io.strata.eventsourcing.projection.ProjectionRunner;
import io.strata.eventsourcing.projection.RetryPolicy;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The balances projection into a real PostgreSQL with the JDBC checkpoint store: whatever happens to
 * the runner, the tables equal the fold of the log through the committed checkpoint, each event
 * counted once.
 */
class JdbcBalancesProjectionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static TestPostgres postgres;

    @TempDir
    Path temp;
    private EmbeddedEventStore store;
    private AccountService accounts;
    private DataSource database;
    private BalanceQueries queries;

    @BeforeAll
    static void startPostgres() {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void open() {
        store = TestStores.open(temp.resolve("store"));
        accounts = new AccountService(store, 7);
        database = postgres.freshDatabase().dataSource();
        queries = new BalanceQueries(database);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aRunnerStoppedMidwayAndStartedAgainLeavesEveryBalanceEqualToTheFoldOfTheLog() {
        RandomBanking customers = new RandomBanking(accounts, 42, 12);
        customers.run(300);
        ProjectionRunner first = ProjectionRunner.builder(store, BalancesProjection.intoPostgres(accounts.serializer()),
                JdbcCheckpointStore.create(database)).batchSize(16).start();
        assertThat(first.awaitLive(TIMEOUT)).isTrue();
        customers.run(200); // while the first runner follows live
        first.stop();
        Position stoppedAt = first.checkpoint().orElseThrow();
        assertReadModelEqualsTheLogThrough(stoppedAt);

        customers.run(300); // nobody projecting: a deploy, say
        Position head = head();
        assertThat(head).isGreaterThan(stoppedAt);
        // A new checkpoint store over the same database, as a restarted process would have.
        try (ProjectionRunner second = ProjectionRunner.builder(store, BalancesProjection.intoPostgres(accounts.serializer()),
                JdbcCheckpointStore.create(database)).batchSize(16).start()) {
            assertThat(second.awaitCheckpoint(head, TIMEOUT)).isTrue();
            // It resumed exactly after the first one's checkpoint: no event of the account category twice, none skipped.
            assertThat(second.eventsHandled()).isEqualTo(accountEventsAfter(stoppedAt));
        }
        assertReadModelEqualsTheLogThrough(head);
    }

    @Test
    void aBatchThatFailsHalfwayLeavesNoTraceAndTheNextRunnerAppliesItOnce() {
        new RandomBanking(accounts, 7, 8).run(400);
        Position head = head();
        AtomicInteger handled = new AtomicInteger();
        // The 150th account event fails after the handlers wrote its rows, with earlier events of its batch
        // written in the same transaction: as if the process died there.
        Projection<JdbcProjectionContext> crashing = BalancesProjection.intoPostgresBuilder(accounts.serializer())
                .onAnyType((event, context) -> {
                    if (handled.incrementAndGet() == 150) {
                        throw new IllegalStateException("the process dies here (simulated)");
                    }
                })
                .build();
        ProjectionRunner failed = ProjectionRunner.builder(store, crashing, JdbcCheckpointStore.create(database))
                .batchSize(50).retry(RetryPolicy.none()).start();
        assertThat(failed.awaitTermination(TIMEOUT)).isTrue();
        ProjectionFailure failure = failed.failure().orElseThrow();
        assertThat(failure.stage()).isEqualTo(ProjectionFailure.Stage.HANDLE);
        Position committed = JdbcCheckpointStore.create(database).checkpoint(BalancesProjection.NAME, BalancesProjection.VERSION)
                .orElseThrow();
        assertThat(committed).isLessThan(failure.event().orElseThrow().position());
        assertReadModelEqualsTheLogThrough(committed);

        try (ProjectionRunner recovered = ProjectionRunner.start(store, BalancesProjection.intoPostgres(accounts.serializer()),
                JdbcCheckpointStore.create(database))) {
            assertThat(recovered.awaitCheckpoint(head, TIMEOUT)).isTrue();
        }
        assertReadModelEqualsTheLogThrough(head);
    }

    @Test
    void aDatabaseFedFromOneStoreRefusesToBeFedFromAnother() {
        try (Bank bank = Bank.start(store, database, 10)) {
            bank.handle("A1", new AccountCommand.OpenAccount("Ada")); // the store was empty at the start: tied at close
        }
        try (EmbeddedEventStore other = TestStores.open(temp.resolve("other"))) {
            new AccountService(other, 10).handle("B1", new AccountCommand.OpenAccount("Bob"));
            assertThatThrownBy(() -> Bank.start(other, database, 10))
                    .isInstanceOf(ReadModelException.class)
                    .hasMessageContaining("another event store");
        }
        try (Bank bank = Bank.start(store, database, 10)) {
            assertThat(bank.balanceOf("A1")).map(AccountBalance::owner).contains("Ada");
        }
    }

    private void assertReadModelEqualsTheLogThrough(Position position) {
        LogFold expected = LogFold.of(store, accounts.serializer(), position);
        assertThat(expected.events()).isPositive();
        assertThat(queries.allBalances()).containsExactlyInAnyOrderElementsOf(expected.balances());
        assertThat(queries.dailyTotals()).containsExactlyElementsOf(expected.dailyTotals());
    }

    private Position head() {
        return store.info().headPosition().orElseThrow();
    }

    private long accountEventsAfter(Position position) {
        long count = 0;
        long from = position.value() + 1;
        while (true) {
            AllSlice slice = store.readAll(ReadAllOptions.forwards().from(from).limit(1_000)
                    .filter(EventFilter.ALL.withCategory(AccountService.CATEGORY)));
            count += slice.events().size();
            if (slice.next().isEmpty()) {
                return count;
            }
            from = slice.next().get().value();
        }
    }
}
