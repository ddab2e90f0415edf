package io.strata.server.groups;

import io.strata.core.RecordedEvent;
import java.util.Objects;

/**
 * One delivery of an event to a consumer.
 *
 * @param ackId         opaque; names this delivery (not the event): after a redelivery only the newest
 *                      delivery's ackId is accepted
 * @param deliveryCount 1 on the first delivery, then 2, 3, … (restarts at 1 when a parked message is replayed)
 */
public record Message(String ackId, int deliveryCount, RecordedEvent event) {
    public Message {
        Objects.requireNonNull(ackId, "ackId");
        Objects.requireNonNull(event, "event");
    }
}
