package io.strata.examples.bank;

import io.strata.eventsourcing.Decider;
import io.strata.examples.bank.AccountCommand.CloseAccount;
import io.strata.examples.bank.AccountCommand.Deposit;
import io.strata.examples.bank.AccountCommand.OpenAccount;
import io.strata.examples.bank.AccountCommand.Withdraw;
import io.strata.examples.bank.AccountEvent.AccountClosed;
import io.strata.examples.bank.AccountEvent.AccountOpened;
import io.strata.examples.bank.AccountEvent.Deposited;
import io.strata.examples.bank.AccountEvent.Withdrawn;

import java.util.List;

/**
 * The bank's rules for one account, as a {@link Decider}: pure functions, no store, no clock, so
 * they are tested with given/when/then and nothing else.
 *
 * <ul>
 *   <li>Open: opens an unopened account. Opening an open account again for the same owner and
 *       currency changes nothing (a client that retries after a timeout does no harm); for anyone
 *       else it is {@link AccountRejection.AlreadyOpen}. A closed account stays closed.</li>
 *   <li>Deposit and withdraw: only on an open account, positive amounts in the account's currency;
 *       a withdrawal never takes the balance below zero.</li>
 *   <li>Close: only with a zero balance; closing a closed account changes nothing.</li>
 * </ul>
 *
 * <p>{@link #evolve} never checks rules: events are facts that already happened, and an old event
 * must still fold after the rules change.
 */
public final class AccountDecider implements Decider<AccountCommand, Account, AccountEvent> {

    @Override
    public Account initialState() {
        return Account.UNOPENED;
    }

    @Override
    public List<AccountEvent> decide(AccountCommand command, Account account) {
        return switch (command) {
            case OpenAccount open -> open(open, account);
            case Deposit deposit -> {
                checkMovable(deposit.amount(), account);
                yield List.of(new Deposited(deposit.amount().cents(), deposit.amount().currency()));
            }
            case Withdraw withdraw -> {
                checkMovable(withdraw.amount(), account);
                if (withdraw.amount().cents() > account.balanceCents()) {
                    throw new AccountRejection.InsufficientFunds(account.balance(), withdraw.amount());
                }
                yield List.of(new Withdrawn(withdraw.amount().cents(), withdraw.amount().currency()));
            }
            case CloseAccount close -> close(account);
        };
    }

    @Override
    public Account evolve(Account account, AccountEvent event) {
        return switch (event) {
            case AccountOpened opened -> Account.opened(opened.owner(), opened.currency());
            case Deposited deposited -> account.plus(deposited.amountCents());
            case Withdrawn withdrawn -> account.plus(-withdrawn.amountCents());
            case AccountClosed closed -> account.closed();
        };
    }

    private static List<AccountEvent> open(OpenAccount open, Account account) {
        return switch (account.status()) {
            case UNOPENED -> List.of(new AccountOpened(open.owner(), open.currency()));
            case OPEN -> {
                if (account.owner().equals(open.owner()) && account.currency().equals(open.currency())) {
                    yield List.of();
                }
                throw new AccountRejection.AlreadyOpen(account.owner(), account.currency());
            }
            case CLOSED -> throw new AccountRejection.Closed();
        };
    }

    private static List<AccountEvent> close(Account account) {
        return switch (account.status()) {
            case UNOPENED -> throw new AccountRejection.NotOpen();
            case CLOSED -> List.of();
            case OPEN -> {
                if (account.balanceCents() != 0) {
                    throw new AccountRejection.BalanceNotZero(account.balance());
                }
                yield List.of(new AccountClosed());
            }
        };
    }

    private static void checkMovable(Money amount, Account account) {
        switch (account.status()) {
            case UNOPENED -> throw new AccountRejection.NotOpen();
            case CLOSED -> throw new AccountRejection.Closed();
            case OPEN -> {
            }
        }
        if (!amount.isPositive()) {
            throw new AccountRejection.InvalidAmount(amount);
        }
        if (!amount.currency().equals(account.currency())) {
            throw new AccountRejection.CurrencyMismatch(account.currency(), amount);
        }
    }
}
