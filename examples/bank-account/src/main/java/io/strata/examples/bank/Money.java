package io.strata.examples.bank;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An exact amount: cents in a {@code long} and an ISO 4217 currency code. Never a {@code double}, so
 * 0.10 + 0.20 is 0.30 here.
 *
 * @param cents    the amount in hundredths of the currency unit; may be negative (a balance view)
 * @param currency three capital letters, e.g. {@code EUR}
 */
public record Money(long cents, String currency) {
    /** The bank's currency: the first release knew no other, so its events do not name one. */
    public static final String EUR = "EUR";
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    public Money {
        checkCurrency(currency);
    }

    /** {@code currency} if it is three capital letters (ISO 4217 style); an {@link IllegalArgumentException} otherwise. */
    public static String checkCurrency(String currency) {
        Objects.requireNonNull(currency, "currency");
        if (!CURRENCY.matcher(currency).matches()) {
            throw new IllegalArgumentException("a currency is three capital letters (ISO 4217), got '" + currency + "'");
        }
        return currency;
    }

    public static Money euros(String amount) {
        return parse(amount, EUR);
    }

    public static Money ofCents(long cents, String currency) {
        return new Money(cents, currency);
    }

    /**
     * {@code amount} as written by a person, e.g. {@code 100}, {@code 100.5}, {@code 100.50}.
     *
     * @throws IllegalArgumentException not a number, or more than two decimals (no rounding of money)
     */
    public static Money parse(String amount, String currency) {
        Objects.requireNonNull(amount, "amount");
        BigDecimal value;
        try {
            value = new BigDecimal(amount.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an amount: '" + amount + "' (write e.g. 100.00)", e);
        }
        if (value.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("an amount has at most two decimals, got " + amount);
        }
        try {
            return new Money(value.movePointRight(2).longValueExact(), currency);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount out of range: " + amount, e);
        }
    }

    public boolean isPositive() {
        return cents > 0;
    }

    /** {@code 1234.50 EUR}. */
    @Override
    public String toString() {
        return BigDecimal.valueOf(cents, 2).toPlainString() + " " + currency;
    }
}
