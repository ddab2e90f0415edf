package io.strata.server.groups;

import io.strata.core.RecordedEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * A message set aside after failing, until it is replayed.
 *
 * @param deliveryCount how many times it was delivered before it was parked
 */
public record ParkedMessage(RecordedEvent event, int deliveryCount, ParkReason reason, Instant parkedAt) {
    public ParkedMessage {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(parkedAt, "parkedAt");
    }
}
