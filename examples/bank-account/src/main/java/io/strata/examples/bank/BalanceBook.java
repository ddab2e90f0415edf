package io.strata.examples.bank;

import java.time.LocalDate;

/**
 * What the balances read model is told, event by event, in log order. {@link BalancesProjection}
 * turns account events into these calls once; {@link JdbcBalanceBook} writes them to PostgreSQL, and
 * the tests keep them in memory to check the mapping with the projection fixture.
 *
 * <p>{@code version} is the revision of the event in the account's stream: each call moves the
 * account from {@code version - 1} to {@code version}.
 */
public interface BalanceBook {

    void opened(String accountId, String owner, String currency, long version) throws Exception;

    /** A deposit on {@code day} (UTC, by the time the store recorded it). */
    void deposited(String accountId, Money amount, long version, LocalDate day) throws Exception;

    void withdrawn(String accountId, Money amount, long version, LocalDate day) throws Exception;

    void closed(String accountId, long version) throws Exception;
}
