package io.strata.examples.bank;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.eventsourcing.projection.Projection;
import io.strata.eventsourcing.test.projection.ProjectionFixture;
import io.strata.examples.bank.AccountEvent.AccountClosed;
import io.strata.examples.bank.AccountEvent.AccountOpened;
import io.strata.examples.bank.AccountEvent.Deposited;
import io.strata.examples.bank.AccountEvent.Withdrawn;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The projection's handlers (the same ones that write PostgreSQL) over an in-memory book: which events
 * change which rows. The fixture records every event on 2026-01-01, one second apart.
 */
class BalancesProjectionTest {
    private static final LocalDate DAY = LocalDate.parse("2026-01-01");

    private final ProjectionFixture<InMemoryBalanceBook> fixture = ProjectionFixture.of(InMemoryBalanceBook::new,
            book -> BalancesProjection.handlers(Projection.builder(BalancesProjection.NAME), context -> book,
                    AccountEventTypes.serializer()).build());

    @Test
    void eachAccountHasARowWithItsBalanceStatusAndLastRevision() {
        fixture.given("account-A1", new AccountOpened("Ada", "EUR"), new Deposited(10_000, "EUR"), new Withdrawn(2_500, "EUR"))
                .and("account-B2", new AccountOpened("Bob", "EUR"), new AccountClosed())
                .expectState(InMemoryBalanceBook::model, new InMemoryBalanceBook.Model(
                        Map.of("A1", new AccountBalance("A1", "Ada", Money.euros("75.00"), AccountStatus.OPEN, 2),
                                "B2", new AccountBalance("B2", "Bob", Money.euros("0"), AccountStatus.CLOSED, 1)),
                        Map.of("2026-01-01 EUR", new DailyTotal(DAY, Money.euros("100.00"), Money.euros("25.00")))));
    }

    @Test
    void aFirstReleaseDepositIsProjectedInItsCurrentShape() {
        fixture.given("account-A1", new AccountOpened("Ada", "EUR"), FirstReleaseEvents.deposited(25))
                .expectState(book -> book.model().balances().get("A1").balance(), Money.euros("25.00"));
    }

    @Test
    void eventsOfOtherCategoriesAreNotItsBusiness() {
        fixture.given("account-A1", new AccountOpened("Ada", "EUR"))
                .and("audit-A1", new Deposited(999, "EUR")) // same event type, another category
                .expectState(book -> book.model().balances().get("A1").balance(), Money.euros("0"));
    }

    @Test
    void anEventThatDoesNotFollowTheRowsVersionFailsInsteadOfCountingTwice() {
        // The fixture gives revisions per stream; a deposit before the open breaks the order the book checks.
        assertThatThrownBy(() -> fixture.given("account-A1", new Deposited(100, "EUR")).then(book -> { }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("is not at version");
    }
}
