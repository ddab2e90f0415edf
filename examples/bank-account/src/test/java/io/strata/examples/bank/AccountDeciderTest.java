package io.strata.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.eventsourcing.test.DeciderFixture;
import io.strata.examples.bank.AccountCommand.CloseAccount;
import io.strata.examples.bank.AccountCommand.Deposit;
import io.strata.examples.bank.AccountCommand.OpenAccount;
import io.strata.examples.bank.AccountCommand.Withdraw;
import io.strata.examples.bank.AccountEvent.AccountClosed;
import io.strata.examples.bank.AccountEvent.AccountOpened;
import io.strata.examples.bank.AccountEvent.Deposited;
import io.strata.examples.bank.AccountEvent.Withdrawn;
import org.junit.jupiter.api.Test;

/** The bank's rules, given/when/then; every event also round-trips through the stored JSON. */
class AccountDeciderTest {
    private static final AccountOpened OPENED = new AccountOpened("Ada", "EUR");

    private final DeciderFixture<AccountCommand, Account, AccountEvent> bank =
            DeciderFixture.forDecider(new AccountDecider()).withSerializer(AccountEventTypes.serializer());

    @Test
    void openingANewAccountOpensItWithAZeroBalance() {
        bank.given()
                .when(new OpenAccount("Ada"))
                .then(OPENED)
                .andState(new Account(AccountStatus.OPEN, "Ada", "EUR", 0));
    }

    @Test
    void openingAgainForTheSameOwnerChangesNothing() {
        bank.given(OPENED, new Deposited(500, "EUR"))
                .when(new OpenAccount("Ada"))
                .thenNothing()
                .andState(new Account(AccountStatus.OPEN, "Ada", "EUR", 500));
    }

    @Test
    void openingAnOpenAccountForSomeoneElseIsRejected() {
        AccountRejection.AlreadyOpen rejection = bank.given(OPENED)
                .when(new OpenAccount("Mallory"))
                .thenRejected(AccountRejection.AlreadyOpen.class);
        assertThat(rejection.owner()).isEqualTo("Ada");
    }

    @Test
    void openingAnOpenAccountInAnotherCurrencyIsRejected() {
        bank.given(OPENED).when(new OpenAccount("Ada", "USD")).thenRejected(AccountRejection.AlreadyOpen.class);
    }

    @Test
    void aClosedAccountCannotBeReopened() {
        bank.given(OPENED, new AccountClosed()).when(new OpenAccount("Ada")).thenRejected(AccountRejection.Closed.class);
    }

    @Test
    void aDepositAddsToTheBalance() {
        bank.given(OPENED, new Deposited(10_000, "EUR"))
                .when(new Deposit(Money.euros("0.50")))
                .then(new Deposited(50, "EUR"))
                .andState(new Account(AccountStatus.OPEN, "Ada", "EUR", 10_050));
    }

    @Test
    void moneyMovesOnlyOnOpenAccounts() {
        bank.given().when(new Deposit(Money.euros("1"))).thenRejected(AccountRejection.NotOpen.class);
        bank.given().when(new Withdraw(Money.euros("1"))).thenRejected(AccountRejection.NotOpen.class);
        bank.given(OPENED, new AccountClosed()).when(new Deposit(Money.euros("1"))).thenRejected(AccountRejection.Closed.class);
        bank.given(OPENED, new AccountClosed()).when(new Withdraw(Money.euros("1"))).thenRejected(AccountRejection.Closed.class);
    }

    @Test
    void amountsArePositive() {
        bank.given(OPENED).when(new Deposit(Money.euros("0"))).thenRejected(AccountRejection.InvalidAmount.class);
        bank.given(OPENED, new Deposited(100, "EUR")).when(new Withdraw(Money.euros("-1.00")))
                .thenRejected(AccountRejection.InvalidAmount.class);
    }

    @Test
    void anAccountTakesOnlyItsOwnCurrency() {
        AccountRejection.CurrencyMismatch rejection = bank.given(OPENED)
                .when(new Deposit(Money.parse("10", "USD")))
                .thenRejected(AccountRejection.CurrencyMismatch.class);
        assertThat(rejection.accountCurrency()).isEqualTo("EUR");
    }

    @Test
    void aWithdrawalDownToExactlyZeroIsAllowed() {
        bank.given(OPENED, new Deposited(3_000, "EUR"), new Withdrawn(1_000, "EUR"))
                .when(new Withdraw(Money.euros("20.00")))
                .then(new Withdrawn(2_000, "EUR"))
                .andState(new Account(AccountStatus.OPEN, "Ada", "EUR", 0));
    }

    @Test
    void noOverdraftNotEvenByOneCent() {
        AccountRejection.InsufficientFunds rejection = bank.given(OPENED, new Deposited(2_000, "EUR"))
                .when(new Withdraw(Money.euros("20.01")))
                .thenRejected(AccountRejection.InsufficientFunds.class);
        assertThat(rejection.balance()).isEqualTo(Money.euros("20.00"));
        assertThat(rejection.requested()).isEqualTo(Money.euros("20.01"));
    }

    @Test
    void anEmptyAccountCloses() {
        bank.given(OPENED, new Deposited(700, "EUR"), new Withdrawn(700, "EUR"))
                .when(new CloseAccount())
                .then(new AccountClosed())
                .andState(new Account(AccountStatus.CLOSED, "Ada", "EUR", 0));
    }

    @Test
    void anAccountWithMoneyInItDoesNotClose() {
        AccountRejection.BalanceNotZero rejection = bank.given(OPENED, new Deposited(1, "EUR"))
                .when(new CloseAccount())
                .thenRejected(AccountRejection.BalanceNotZero.class);
        assertThat(rejection.balance()).isEqualTo(Money.euros("0.01"));
    }

    @Test
    void closingTwiceChangesNothingAndClosingWhatWasNeverOpenedIsRejected() {
        bank.given(OPENED, new AccountClosed()).when(new CloseAccount()).thenNothing();
        bank.given().when(new CloseAccount()).thenRejected(AccountRejection.NotOpen.class);
    }

    @Test
    void eventsFoldWithoutCheckingRulesBecauseTheyAlreadyHappened() {
        // An account overdrawn under older rules must still load: evolve records facts, decide judges commands.
        Account overdrawn = bank.given(OPENED, new Withdrawn(500, "EUR")).state();
        assertThat(overdrawn.balanceCents()).isEqualTo(-500);
    }
}
