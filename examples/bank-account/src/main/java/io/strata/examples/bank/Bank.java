package io.strata.examples.bank;

import io.strata.core.AppendResult;
import io.strata.core.EventStore;
import io.strata.eventsourcing.CommandResult;
import io.strata.eventsourcing.LoadPoint;
import io.strata.eventsourcing.LoadedAggregate;
import io.strata.eventsourcing.projection.JdbcCheckpointStore;
import io.strata.eventsourcing.projection.ProjectionRunner;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The running service: the write side ({@link AccountService}) over an event store, and the read side
 * (the {@link BalancesProjection} runner and {@link BalanceQueries}) over a PostgreSQL database.
 *
 * <pre>
 *   command ─▶ AccountService ─append─▶ EventStore ─$all─▶ ProjectionRunner ─▶ PostgreSQL ◀─ BalanceQueries
 *                                       (embedded or                (checkpoint in the same
 *                                        strata serve)               transaction: exactly once)
 * </pre>
 *
 * <p>{@link #handle} returns once the read model includes the command's events, so a query right
 * after a command sees it (read your own writes); other writers' events arrive as the projection
 * follows the log. Closing stops the runner (its batch in progress commits); the caller closes the
 * store and the database. Thread-safe.
 */
public final class Bank implements AutoCloseable {
    private static final Duration PROJECTION_TIMEOUT = Duration.ofSeconds(60);

    private final AccountService accounts;
    private final ProjectionRunner projection;
    private final BalanceQueries queries;
    private final EventStore store;
    private final DataSource database;
    private final long eventsProjectedAtStart;

    private Bank(AccountService accounts, ProjectionRunner projection, BalanceQueries queries, EventStore store, DataSource database) {
        this.accounts = accounts;
        this.projection = projection;
        this.queries = queries;
        this.store = store;
        this.database = database;
        this.eventsProjectedAtStart = projection.eventsHandled();
    }

    /**
     * Starts the projection and waits until it has caught up with the log: from its checkpoint in
     * {@code database}, or from the start of the log in a new database.
     *
     * @param snapshotEvery see {@link AccountService#AccountService(EventStore, int)}
     * @throws ReadModelException {@code database} holds the read model of another store
     */
    public static Bank start(EventStore store, DataSource database, int snapshotEvery) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(database, "database");
        ReadModelBinding.bind(store, database);
        AccountService accounts = new AccountService(store, snapshotEvery);
        ProjectionRunner runner = ProjectionRunner.start(store, BalancesProjection.intoPostgres(accounts.serializer()),
                JdbcCheckpointStore.create(database));
        if (!runner.awaitLive(PROJECTION_TIMEOUT)) {
            runner.stop();
            throw new IllegalStateException("the balances projection did not catch up within " + PROJECTION_TIMEOUT + ": " + runner);
        }
        return new Bank(accounts, runner, new BalanceQueries(database), store, database);
    }

    /** How many events the projection applied to catch up at the start (0 when it was up to date). */
    public long eventsProjectedAtStart() {
        return eventsProjectedAtStart;
    }

    public AccountService accounts() {
        return accounts;
    }

    /**
     * Handles {@code command} on the account and waits until the read model includes its events.
     *
     * @throws AccountRejection the bank's rules refuse it; nothing was appended
     */
    public CommandResult<Account, AccountEvent> handle(String accountId, AccountCommand command) {
        CommandResult<Account, AccountEvent> result = accounts.handle(accountId, command);
        result.append().ifPresent(this::awaitProjected);
        return result;
    }

    /** Waits until the read model includes everything up to {@code append} (an append made around the service). */
    public void awaitProjected(AppendResult append) {
        if (!projection.awaitCheckpoint(append.lastPosition(), PROJECTION_TIMEOUT)) {
            throw new IllegalStateException("the balances projection did not reach position " + append.lastPosition().token()
                    + " within " + PROJECTION_TIMEOUT + ": " + projection);
        }
    }

    public LoadedAggregate<Account> load(String accountId, LoadPoint point) {
        return accounts.load(accountId, point);
    }

    public List<HistoryEntry> history(String accountId) {
        return accounts.history(accountId);
    }

    /** From the read model. */
    public Optional<AccountBalance> balanceOf(String accountId) {
        return queries.balanceOf(accountId);
    }

    public List<AccountBalance> allBalances() {
        return queries.allBalances();
    }

    public List<DailyTotal> dailyTotals() {
        return queries.dailyTotals();
    }

    @Override
    public void close() {
        projection.stop();
        // A store that was empty at the start has a first event now: tie the database to it.
        ReadModelBinding.bind(store, database);
    }
}
