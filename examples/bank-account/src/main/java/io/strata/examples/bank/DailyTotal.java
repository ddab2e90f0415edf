package io.strata.examples.bank;

import java.time.LocalDate;
import java.util.Objects;

/** A row of the {@code daily_totals} read model: money in and out of all accounts on a day (UTC). */
public record DailyTotal(LocalDate day, Money deposits, Money withdrawals) {
    public DailyTotal {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(deposits, "deposits");
        Objects.requireNonNull(withdrawals, "withdrawals");
    }
}
