package io.strata.examples.bank;

import java.util.Objects;

/**
 * An account's state: what the {@link AccountDecider} needs to decide the next command, and nothing
 * more. Immutable. Also the snapshot's JSON (see {@link AccountService#STATE_VERSION}).
 *
 * @param status       where the account is in its life
 * @param owner        empty until opened
 * @param currency     empty until opened
 * @param balanceCents in {@code currency}; never negative (no overdraft)
 */
public record Account(AccountStatus status, String owner, String currency, long balanceCents) {
    /** The state before any event. */
    public static final Account UNOPENED = new Account(AccountStatus.UNOPENED, "", "", 0);

    public Account {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(currency, "currency");
    }

    static Account opened(String owner, String currency) {
        return new Account(AccountStatus.OPEN, owner, currency, 0);
    }

    Account plus(long cents) {
        return new Account(status, owner, currency, Math.addExact(balanceCents, cents));
    }

    Account closed() {
        return new Account(AccountStatus.CLOSED, owner, currency, balanceCents);
    }

    /** The balance with its currency; only meaningful once opened. */
    public Money balance() {
        return Money.ofCents(balanceCents, currency.isEmpty() ? Money.EUR : currency);
    }
}
