package io.strata.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void parsesWhatPeopleWriteIntoExactCents() {
        assertThat(Money.euros("100")).isEqualTo(new Money(10_000, "EUR"));
        assertThat(Money.euros("100.5")).isEqualTo(new Money(10_050, "EUR"));
        assertThat(Money.euros("0.01")).isEqualTo(new Money(1, "EUR"));
        assertThat(Money.euros("12.50").toString()).isEqualTo("12.50 EUR");
        assertThat(new Money(-5, "EUR").toString()).isEqualTo("-0.05 EUR");
    }

    @Test
    void refusesToRoundMoneyOrToGuess() {
        assertThatThrownBy(() -> Money.euros("1.001")).hasMessageContaining("two decimals");
        assertThatThrownBy(() -> Money.euros("ten")).hasMessageContaining("not an amount");
        assertThatThrownBy(() -> Money.euros("1e30")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Money.parse("1", "euro")).hasMessageContaining("three capital letters");
    }
}
