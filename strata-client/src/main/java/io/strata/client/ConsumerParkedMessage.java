package io.strata.client;

import io.strata.core.RecordedEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * A message set aside after failing, until {@link ConsumerGroupClient#replayParked} delivers it again.
 *
 * @param deliveryCount how many times it was delivered before it was parked
 */
public record ConsumerParkedMessage(RecordedEvent event, int deliveryCount, Reason reason, Instant parkedAt) {
    public ConsumerParkedMessage {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(parkedAt, "parkedAt");
    }

    public enum Reason {
        /** Delivered maxDeliveries times without an ack (nacked with retry, or its ack timeout passed). */
        MAX_DELIVERIES,
        /** A consumer nacked it with {@link ConsumerNackAction#PARK}. */
        NACKED
    }
}
