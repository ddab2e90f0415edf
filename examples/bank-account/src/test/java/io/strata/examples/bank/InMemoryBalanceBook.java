package io.strata.examples.bank;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * The balances read model in memory, with the same version check as {@link JdbcBalanceBook}: for the
 * projection fixture, which tests the event-to-row mapping without a database.
 */
final class InMemoryBalanceBook implements BalanceBook {
    /** The model: rows by account id, and daily totals by "day currency". */
    record Model(Map<String, AccountBalance> balances, Map<String, DailyTotal> dailyTotals) {
    }

    private final Map<String, AccountBalance> balances = new TreeMap<>();
    private final Map<String, DailyTotal> dailyTotals = new TreeMap<>();

    Model model() {
        return new Model(Map.copyOf(balances), Map.copyOf(dailyTotals));
    }

    @Override
    public void opened(String accountId, String owner, String currency, long version) {
        if (balances.containsKey(accountId)) {
            throw new IllegalStateException("account " + accountId + " opened twice");
        }
        balances.put(accountId, new AccountBalance(accountId, owner, Money.ofCents(0, currency), AccountStatus.OPEN, version));
    }

    @Override
    public void deposited(String accountId, Money amount, long version, LocalDate day) {
        AccountBalance row = rowBefore(accountId, version);
        balances.put(accountId, new AccountBalance(accountId, row.owner(),
                Money.ofCents(row.balance().cents() + amount.cents(), amount.currency()), row.status(), version));
        add(day, amount, Money.ofCents(0, amount.currency()));
    }

    @Override
    public void withdrawn(String accountId, Money amount, long version, LocalDate day) {
        AccountBalance row = rowBefore(accountId, version);
        balances.put(accountId, new AccountBalance(accountId, row.owner(),
                Money.ofCents(row.balance().cents() - amount.cents(), amount.currency()), row.status(), version));
        add(day, Money.ofCents(0, amount.currency()), amount);
    }

    @Override
    public void closed(String accountId, long version) {
        AccountBalance row = rowBefore(accountId, version);
        balances.put(accountId, new AccountBalance(accountId, row.owner(), row.balance(), AccountStatus.CLOSED, version));
    }

    private AccountBalance rowBefore(String accountId, long version) {
        AccountBalance row = balances.get(accountId);
        if (row == null || row.version() != version - 1) {
            throw new IllegalStateException("account " + accountId + " is not at version " + (version - 1) + ": " + row);
        }
        return row;
    }

    private void add(LocalDate day, Money deposits, Money withdrawals) {
        dailyTotals.merge(day + " " + deposits.currency(), new DailyTotal(day, deposits, withdrawals), (a, b) -> new DailyTotal(day,
                Money.ofCents(a.deposits().cents() + b.deposits().cents(), a.deposits().currency()),
                Money.ofCents(a.withdrawals().cents() + b.withdrawals().cents(), a.withdrawals().currency())));
    }
}
