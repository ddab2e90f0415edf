package io.strata.examples.bank;

import io.strata.examples.bank.AccountCommand.CloseAccount;
import io.strata.examples.bank.AccountCommand.Deposit;
import io.strata.examples.bank.AccountCommand.OpenAccount;
import io.strata.examples.bank.AccountCommand.Withdraw;
import java.util.Random;

/**
 * A seeded stream of customers' commands over a few accounts: opens, deposits, withdrawals (some
 * refused for lack of funds), closes (some refused for money left). Rejections are part of the game.
 */
final class RandomBanking {
    private final AccountService accounts;
    private final Random random;
    private final int accountCount;

    RandomBanking(AccountService accounts, long seed, int accountCount) {
        this.accounts = accounts;
        this.random = new Random(seed);
        this.accountCount = accountCount;
    }

    void run(int commands) {
        for (int i = 0; i < commands; i++) {
            String account = "R" + random.nextInt(accountCount);
            try {
                accounts.handle(account, next(account));
            } catch (AccountRejection expected) {
                // refused: nothing appended, which the read model must reflect too
            }
        }
    }

    private AccountCommand next(String account) {
        int dice = random.nextInt(100);
        Money amount = Money.ofCents(1 + random.nextInt(20_000), Money.EUR);
        if (dice < 8) {
            return new OpenAccount("owner of " + account);
        }
        if (dice < 55) {
            return new Deposit(amount);
        }
        if (dice < 95) {
            return new Withdraw(amount);
        }
        // Empty the account, then close it: closes that succeed.
        long balance = accounts.load(account).state().balanceCents();
        return balance > 0 ? new Withdraw(Money.ofCents(balance, Money.EUR)) : new CloseAccount();
    }
}
