package io.strata.examples.bank;

import java.util.Objects;

/** What a customer asks of an account. The account id is not part of a command: it names the stream. */
public sealed interface AccountCommand {

    /** Opens the account for {@code owner}, in {@code currency}; again with the same owner and currency, it changes nothing. */
    record OpenAccount(String owner, String currency) implements AccountCommand {
        public OpenAccount {
            Objects.requireNonNull(owner, "owner");
            if (owner.isBlank()) {
                throw new IllegalArgumentException("an account has an owner");
            }
            Money.checkCurrency(currency);
        }

        /** An account in euros. */
        public OpenAccount(String owner) {
            this(owner, Money.EUR);
        }
    }

    record Deposit(Money amount) implements AccountCommand {
        public Deposit {
            Objects.requireNonNull(amount, "amount");
        }
    }

    record Withdraw(Money amount) implements AccountCommand {
        public Withdraw {
            Objects.requireNonNull(amount, "amount");
        }
    }

    /** Closes the account; only with a zero balance, and closing it again changes nothing. */
    record CloseAccount() implements AccountCommand {
    }
}
