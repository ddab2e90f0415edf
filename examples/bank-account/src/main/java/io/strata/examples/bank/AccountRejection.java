package io.strata.examples.bank;

/**
 * Why the bank refused a command. The {@link AccountDecider} throws one of these; the repository
 * lets it through unchanged and appends nothing. Each kind is its own class, with the facts in
 * fields, so callers and tests can tell them apart without reading messages.
 */
public abstract sealed class AccountRejection extends RuntimeException {

    private AccountRejection(String message) {
        super(message);
    }

    /** The command needs an open account, and this one was never opened. */
    public static final class NotOpen extends AccountRejection {
        public NotOpen() {
            super("the account is not open");
        }
    }

    /** The account is closed: closing is final. */
    public static final class Closed extends AccountRejection {
        public Closed() {
            super("the account is closed");
        }
    }

    /** An open for another owner or currency than the account was opened with. */
    public static final class AlreadyOpen extends AccountRejection {
        private final String owner;
        private final String currency;

        public AlreadyOpen(String owner, String currency) {
            super("the account is already open, for " + owner + " in " + currency);
            this.owner = owner;
            this.currency = currency;
        }

        public String owner() {
            return owner;
        }

        public String currency() {
            return currency;
        }
    }

    /** Amounts moved are positive. */
    public static final class InvalidAmount extends AccountRejection {
        private final Money amount;

        public InvalidAmount(Money amount) {
            super("an amount must be positive, got " + amount);
            this.amount = amount;
        }

        public Money amount() {
            return amount;
        }
    }

    /** An account holds one currency; the bank does not exchange. */
    public static final class CurrencyMismatch extends AccountRejection {
        private final String accountCurrency;
        private final Money amount;

        public CurrencyMismatch(String accountCurrency, Money amount) {
            super("the account is in " + accountCurrency + ", the amount is " + amount);
            this.accountCurrency = accountCurrency;
            this.amount = amount;
        }

        public String accountCurrency() {
            return accountCurrency;
        }

        public Money amount() {
            return amount;
        }
    }

    /** No overdraft: a withdrawal may not take the balance below zero. */
    public static final class InsufficientFunds extends AccountRejection {
        private final Money balance;
        private final Money requested;

        public InsufficientFunds(Money balance, Money requested) {
            super("insufficient funds: the balance is " + balance + ", the withdrawal " + requested);
            this.balance = balance;
            this.requested = requested;
        }

        public Money balance() {
            return balance;
        }

        public Money requested() {
            return requested;
        }
    }

    /** An account is closed empty: the customer withdraws the rest first. */
    public static final class BalanceNotZero extends AccountRejection {
        private final Money balance;

        public BalanceNotZero(Money balance) {
            super("an account is closed with a zero balance; this one holds " + balance);
            this.balance = balance;
        }

        public Money balance() {
            return balance;
        }
    }
}
