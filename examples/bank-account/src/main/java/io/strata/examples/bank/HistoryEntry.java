package io.strata.examples.bank;

import java.time.Instant;
import java.util.Objects;

/**
 * One event of an account's stream, as read today (after upcasting), and the account right after it.
 *
 * @param revision            the event's revision in the account's stream (0 is the first)
 * @param recordedTime        when the store recorded it
 * @param event               the event in its current shape
 * @param storedSchemaVersion the schema version its bytes were written with (1 for a first-release deposit)
 * @param after               the account after this event
 */
public record HistoryEntry(long revision, Instant recordedTime, AccountEvent event, int storedSchemaVersion, Account after) {
    public HistoryEntry {
        Objects.requireNonNull(recordedTime, "recordedTime");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(after, "after");
    }
}
