package io.strata.eventsourcing.test;

import io.strata.core.EventData;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.eventsourcing.serialization.EventMetadata;
import io.strata.eventsourcing.serialization.EventSerializationException;
import io.strata.eventsourcing.serialization.EventSerializer;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** Sends an event through a serializer and back, as the repository would, and compares. */
final class RoundTrip {
    private final EventSerializer serializer;

    RoundTrip(EventSerializer serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    void check(Object event, String role) {
        Object readBack;
        try {
            EventData data = serializer.serialize(event, EventMetadata.empty());
            RecordedEvent recorded = new RecordedEvent(UUID.randomUUID(), "fixture-1", data.type(), 0, Position.of(0), Instant.EPOCH,
                    data.validTime(), data.contentType(), data.data(), data.metadata());
            readBack = serializer.deserialize(recorded).payload();
        } catch (EventSerializationException e) {
            throw new AssertionError("The " + role + " " + EventText.of(event) + " does not go through the serializer: "
                    + e.getMessage(), e);
        }
        if (!event.equals(readBack)) {
            throw new AssertionError("The " + role + " " + EventText.of(event) + " does not survive the serializer: it reads back as "
                    + EventText.of(readBack));
        }
    }
}
