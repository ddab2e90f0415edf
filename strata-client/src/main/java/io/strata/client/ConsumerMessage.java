package io.strata.client;

import io.strata.core.RecordedEvent;
import java.util.Objects;

/**
 * One delivery of an event to a consumer.
 *
 * @param ackId         opaque; names this delivery, not the event: after a redelivery only the newest
 *                      delivery's ackId is accepted
 * @param deliveryCount 1 on the first delivery, then 2, 3, … (1 again after a parked message is replayed)
 */
public record ConsumerMessage(String ackId, int deliveryCount, RecordedEvent event) {
    public ConsumerMessage {
        Objects.requireNonNull(ackId, "ackId");
        Objects.requireNonNull(event, "event");
    }
}
