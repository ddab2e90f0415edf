package io.strata.examples.bank;

import java.util.Objects;

/**
 * A row of the {@code account_balances} read model.
 *
 * @param version the revision of the account's last event the read model has applied
 */
public record AccountBalance(String accountId, String owner, Money balance, AccountStatus status, long version) {
    public AccountBalance {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(status, "status");
    }
}
