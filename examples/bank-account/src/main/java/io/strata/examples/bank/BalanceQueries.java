package io.strata.examples.bank;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the balances read model through its views ({@code account_balances}, {@code daily_totals}),
 * which the projection points at its active version. What it returns is as fresh as the projection's
 * checkpoint: see {@link Bank#handle}, which waits for the projection before it returns. Thread-safe.
 */
public final class BalanceQueries {
    private static final String BALANCE_COLUMNS = "SELECT account_id, owner, currency, balance_cents, status, version FROM account_balances";

    private final DataSource database;

    public BalanceQueries(DataSource database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    public Optional<AccountBalance> balanceOf(String accountId) {
        List<AccountBalance> rows = balances(BALANCE_COLUMNS + " WHERE account_id = ?", accountId);
        return rows.stream().findFirst();
    }

    /** Every account, by id. */
    public List<AccountBalance> allBalances() {
        return balances(BALANCE_COLUMNS + " ORDER BY account_id");
    }

    /** Every day with deposits or withdrawals, oldest first. */
    public List<DailyTotal> dailyTotals() {
        String sql = "SELECT day, currency, deposits_cents, withdrawals_cents FROM daily_totals ORDER BY day, currency";
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            List<DailyTotal> totals = new ArrayList<>();
            while (r.next()) {
                String currency = r.getString(2);
                totals.add(new DailyTotal(r.getDate(1).toLocalDate(), Money.ofCents(r.getLong(3), currency),
                        Money.ofCents(r.getLong(4), currency)));
            }
            return totals;
        } catch (SQLException e) {
            throw new ReadModelException("cannot read daily_totals", e);
        }
    }

    private List<AccountBalance> balances(String sql, String... parameters) {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                List<AccountBalance> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(new AccountBalance(r.getString(1), r.getString(2), Money.ofCents(r.getLong(4), r.getString(3)),
                            AccountStatus.valueOf(r.getString(5)), r.getLong(6)));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot read account_balances", e);
        }
    }
}
