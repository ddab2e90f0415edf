package io.strata.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An event as stored: what was appended plus where and when it was recorded.
 *
 * <p>{@link #data()} and {@link #metadata()} are not copied: readers of the same event may be handed the
 * same arrays (the embedded engine decodes a new event once for all its live subscribers). Treat them
 * as read-only.
 *
 * @param recordedTime when the event became durable; never decreases along the log; microsecond precision
 */
public record RecordedEvent(UUID id, String stream, String type, long revision, Position position,
                            Instant recordedTime, Optional<Instant> validTime, String contentType,
                            byte[] data, byte[] metadata) {
    public RecordedEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(recordedTime, "recordedTime");
        Objects.requireNonNull(validTime, "validTime");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** The stream's category: the part of its name before the first {@code -}. */
    public String category() {
        return StreamNames.categoryOf(stream);
    }

    public boolean hasMetadata() {
        return metadata.length > 0;
    }

    public boolean isJson() {
        return EventData.JSON.equals(contentType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedEvent other && id.equals(other.id) && stream.equals(other.stream)
                && type.equals(other.type) && revision == other.revision && position.equals(other.position)
                && recordedTime.equals(other.recordedTime) && validTime.equals(other.validTime)
                && contentType.equals(other.contentType) && Arrays.equals(data, other.data)
                && Arrays.equals(metadata, other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, position);
    }

    @Override
    public String toString() {
        return "RecordedEvent[" + stream + "@" + revision + ", " + type + ", position " + position + "]";
    }
}
