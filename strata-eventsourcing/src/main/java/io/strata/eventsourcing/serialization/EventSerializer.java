package io.strata.eventsourcing.serialization;

import io.strata.core.EventData;
import io.strata.core.RecordedEvent;

import java.util.UUID;

/**
 * Turns event objects into {@link EventData} to append, and {@link RecordedEvent}s back into
 * objects. The one place that knows the bytes' format; {@link JsonEventSerializer} is the
 * implementation. Implementations are thread-safe.
 *
 * <p>Reading never changes what is stored: upcasting happens on the way out, every time.
 */
public interface EventSerializer {

    /**
     * The event as {@link EventData} with a store-assigned id.
     *
     * @throws UnknownEventTypeException the event's class is not registered
     */
    EventData serialize(Object event, EventMetadata metadata);

    /** The event as {@link EventData} with the given id (for idempotent appends). */
    EventData serialize(UUID eventId, Object event, EventMetadata metadata);

    /**
     * The stored event as an object of its registered class, upcast to the current schema version.
     *
     * @throws UnknownEventTypeException its type is not registered (after upcasting)
     * @throws EventDecodingException    its type is known but its bytes cannot be decoded
     */
    DecodedEvent deserialize(RecordedEvent recorded);

    /**
     * Only the metadata of a stored event; empty metadata when it has none.
     *
     * @throws EventDecodingException the metadata is not a JSON object
     */
    EventMetadata metadataOf(RecordedEvent recorded);

    /**
     * Whether {@link #deserialize} can know events stored under {@code storedType}: it is
     * registered, or an upcaster reads it. Readers that deliberately skip foreign types (a projection
     * over a category) ask this first; everything else lets {@link #deserialize} report them.
     */
    boolean canDeserialize(String storedType);

    EventTypeRegistry registry();
}
