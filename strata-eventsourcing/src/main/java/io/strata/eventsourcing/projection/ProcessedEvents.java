package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.util.UUID;

/**
 * The ids of events a handler already processed, remembered within a bound, for
 * {@link IdempotentHandler}. Implementations are thread-safe.
 */
public interface ProcessedEvents {

    /** Whether the event with this id was recorded (and not yet forgotten). */
    boolean contains(UUID eventId);

    /** Records that the event with this id, at this position, was processed. */
    void add(UUID eventId, Position position);
}
