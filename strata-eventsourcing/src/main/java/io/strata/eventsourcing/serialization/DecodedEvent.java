package io.strata.eventsourcing.serialization;

import io.strata.core.Position;
import io.strata.core.RecordedEvent;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored event turned back into a Java object, after upcasting.
 *
 * @param payload             the event object, an instance of the registered class of {@code type}
 * @param type                the registered type name; differs from {@code recorded.type()} when an
 *                            upcaster renamed the type
 * @param storedSchemaVersion the schema version the bytes were written with (before upcasting)
 * @param metadata            correlation, causation and further entries
 * @param recorded            the event as the store returned it, bytes unchanged
 */
public record DecodedEvent(Object payload, String type, int storedSchemaVersion, EventMetadata metadata,
                           RecordedEvent recorded) {
    public DecodedEvent {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(recorded, "recorded");
    }

    /** The payload as {@code javaClass}; a {@link ClassCastException} naming both classes otherwise. */
    public <E> E payloadAs(Class<E> javaClass) {
        if (!javaClass.isInstance(payload)) {
            throw new ClassCastException("event " + where() + " is a " + payload.getClass().getName()
                    + ", not a " + javaClass.getName());
        }
        return javaClass.cast(payload);
    }

    public UUID eventId() {
        return recorded.id();
    }

    public String stream() {
        return recorded.stream();
    }

    public long revision() {
        return recorded.revision();
    }

    public Position position() {
        return recorded.position();
    }

    public Instant recordedTime() {
        return recorded.recordedTime();
    }

    /** {@code stream@revision}, for messages. */
    public String where() {
        return recorded.stream() + "@" + recorded.revision();
    }
}
