package io.strata.examples.bank;

/**
 * What happened to an account: the facts in its stream {@code account-<id>}. Stored as JSON under the
 * type names of {@link AccountEventTypes}, never under the class names, so these records can be
 * renamed or moved freely.
 */
public sealed interface AccountEvent {

    record AccountOpened(String owner, String currency) implements AccountEvent {
    }

    /**
     * Schema version 2. Version 1, written by the first release, was {@code {"amount":25}}: whole
     * euros in an int, the currency implied. {@link AccountEventTypes#DEPOSITED_V1_TO_V2} turns the
     * stored v1 JSON into this shape on every read; the stored bytes stay as they were.
     */
    record Deposited(long amountCents, String currency) implements AccountEvent {
        public Money money() {
            return Money.ofCents(amountCents, currency);
        }
    }

    record Withdrawn(long amountCents, String currency) implements AccountEvent {
        public Money money() {
            return Money.ofCents(amountCents, currency);
        }
    }

    record AccountClosed() implements AccountEvent {
    }
}
