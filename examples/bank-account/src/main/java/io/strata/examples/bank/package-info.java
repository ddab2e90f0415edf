/**
 * A small bank-account service built only on Strata's public API: the example of
 * {@code examples/bank-account/README.md}.
 *
 * <pre>
 *   BankApp (command line) ─▶ CliCommand ─▶ Bank
 *                                            ├─ AccountService ── AggregateRepository ── AccountDecider (rules)
 *                                            │      │ append / read        │ snapshots every N events
 *                                            │      ▼                      ▼
 *                                            │   EventStore: embedded folder, or strata serve over gRPC
 *                                            │      │ $all, category "account"  (Deposited v1 upcast to v2 on read)
 *                                            │      ▼
 *                                            ├─ ProjectionRunner ── BalancesProjection ── JdbcBalanceBook ─▶ PostgreSQL
 *                                            │                      (checkpoint in the same transaction: exactly once)
 *                                            └─ BalanceQueries ◀── views account_balances, daily_totals
 * </pre>
 *
 * <p>Domain: {@link io.strata.examples.bank.AccountCommand}, {@link io.strata.examples.bank.AccountEvent},
 * {@link io.strata.examples.bank.Account}, {@link io.strata.examples.bank.AccountDecider},
 * {@link io.strata.examples.bank.AccountRejection}. Storage shape and schema evolution:
 * {@link io.strata.examples.bank.AccountEventTypes}. Read side: {@link io.strata.examples.bank.BalancesProjection},
 * {@link io.strata.examples.bank.BalanceQueries}.
 */
package io.strata.examples.bank;
