package io.strata.examples.bank;

import io.strata.eventsourcing.projection.JdbcProjectionContext;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;

/**
 * The balances read model in PostgreSQL, written through the projection's transaction (the one that
 * also moves the checkpoint). Tables are per projection version; views with the plain names point at
 * the active version, and {@link BalanceQueries} reads only the views.
 *
 * <pre>
 *   account_balances_v1(account_id PK, owner, currency, balance_cents, status, version)
 *   daily_totals_v1(day, currency, deposits_cents, withdrawals_cents)   PK (day, currency)
 *   views account_balances, daily_totals ──▶ the tables of the active version
 * </pre>
 *
 * <p>Every update names the version it expects the row to be at ({@code version = revision - 1}), so
 * an event applied twice, skipped or out of order fails the batch loudly instead of leaving a wrong
 * balance: the read model checks the exactly-once promise rather than trusting it.
 *
 * <p>Not thread-safe; one per event, on the runner's thread.
 */
public final class JdbcBalanceBook implements BalanceBook {
    private final JdbcProjectionContext context;

    public JdbcBalanceBook(JdbcProjectionContext context) {
        this.context = context;
    }

    /** The projection's start hook: this version's tables. */
    public static void createTables(JdbcProjectionContext context) throws SQLException {
        context.statement("CREATE TABLE IF NOT EXISTS " + context.table("account_balances") + " ("
                + "account_id VARCHAR(200) PRIMARY KEY, owner VARCHAR(200) NOT NULL, currency CHAR(3) NOT NULL, "
                + "balance_cents BIGINT NOT NULL, status VARCHAR(16) NOT NULL, version BIGINT NOT NULL)").execute();
        context.statement("CREATE TABLE IF NOT EXISTS " + context.table("daily_totals") + " ("
                + "day DATE NOT NULL, currency CHAR(3) NOT NULL, deposits_cents BIGINT NOT NULL, "
                + "withdrawals_cents BIGINT NOT NULL, PRIMARY KEY (day, currency))").execute();
    }

    /** The projection's activation hook: readers see this version from the same commit on. */
    public static void pointViewsAtThisVersion(JdbcProjectionContext context) throws SQLException {
        context.statement("CREATE OR REPLACE VIEW account_balances AS SELECT account_id, owner, currency, balance_cents, "
                + "status, version FROM " + context.table("account_balances")).execute();
        context.statement("CREATE OR REPLACE VIEW daily_totals AS SELECT day, currency, deposits_cents, withdrawals_cents FROM "
                + context.table("daily_totals")).execute();
    }

    @Override
    public void opened(String accountId, String owner, String currency, long version) throws SQLException {
        // A plain INSERT, not an upsert: a second AccountOpened for the account would be a bug, and fails here.
        PreparedStatement insert = context.statement("INSERT INTO " + context.table("account_balances")
                + " (account_id, owner, currency, balance_cents, status, version) VALUES (?, ?, ?, 0, ?, ?)");
        insert.setString(1, accountId);
        insert.setString(2, owner);
        insert.setString(3, currency);
        insert.setString(4, AccountStatus.OPEN.name());
        insert.setLong(5, version);
        insert.executeUpdate();
    }

    @Override
    public void deposited(String accountId, Money amount, long version, LocalDate day) throws SQLException {
        moveBalance(accountId, amount.cents(), version);
        addToDailyTotals(day, amount.currency(), amount.cents(), 0);
    }

    @Override
    public void withdrawn(String accountId, Money amount, long version, LocalDate day) throws SQLException {
        moveBalance(accountId, -amount.cents(), version);
        addToDailyTotals(day, amount.currency(), 0, amount.cents());
    }

    @Override
    public void closed(String accountId, long version) throws SQLException {
        PreparedStatement close = context.statement("UPDATE " + context.table("account_balances")
                + " SET status = ?, version = ? WHERE account_id = ? AND version = ?");
        close.setString(1, AccountStatus.CLOSED.name());
        close.setLong(2, version);
        close.setString(3, accountId);
        close.setLong(4, version - 1);
        expectOneRow(close.executeUpdate(), accountId, version);
    }

    private void moveBalance(String accountId, long cents, long version) throws SQLException {
        PreparedStatement update = context.statement("UPDATE " + context.table("account_balances")
                + " SET balance_cents = balance_cents + ?, version = ? WHERE account_id = ? AND version = ?");
        update.setLong(1, cents);
        update.setLong(2, version);
        update.setString(3, accountId);
        update.setLong(4, version - 1);
        expectOneRow(update.executeUpdate(), accountId, version);
    }

    private void addToDailyTotals(LocalDate day, String currency, long depositCents, long withdrawalCents) throws SQLException {
        String table = context.table("daily_totals");
        PreparedStatement upsert = context.statement("INSERT INTO " + table
                + " (day, currency, deposits_cents, withdrawals_cents) VALUES (?, ?, ?, ?) ON CONFLICT (day, currency) DO UPDATE SET "
                + "deposits_cents = " + table + ".deposits_cents + EXCLUDED.deposits_cents, "
                + "withdrawals_cents = " + table + ".withdrawals_cents + EXCLUDED.withdrawals_cents");
        upsert.setDate(1, Date.valueOf(day));
        upsert.setString(2, currency);
        upsert.setLong(3, depositCents);
        upsert.setLong(4, withdrawalCents);
        upsert.executeUpdate();
    }

    private static void expectOneRow(int updated, String accountId, long version) {
        if (updated != 1) {
            throw new IllegalStateException("account " + accountId + " is not at version " + (version - 1)
                    + " in the read model, so its event at revision " + version + " cannot follow: an event was skipped or repeated");
        }
    }
}
