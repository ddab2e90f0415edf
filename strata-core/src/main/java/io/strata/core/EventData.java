package io.strata.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An event to append. The store treats {@code data} and {@code metadata} as opaque bytes; by
 * convention they are UTF-8 JSON, and {@code contentType} says otherwise when they are not.
 *
 * @param id        the event id, used for idempotent appends; {@code Optional.empty()} lets the
 *                  store assign a time-ordered UUID
 * @param type      the event type, 1 to 256 UTF-8 bytes, no control characters
 * @param data      the payload
 * @param metadata  optional metadata (JSON object bytes), empty array when none
 * @param contentType the payload's media type; {@code application/json} by default
 * @param validTime when the fact became true in the domain, if the writer says so
 */
public record EventData(Optional<UUID> id, String type, byte[] data, byte[] metadata, String contentType,
                        Optional<Instant> validTime) {
    public static final String JSON = "application/json";
    private static final byte[] NONE = new byte[0];

    public EventData {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(validTime, "validTime");
    }

    /** A JSON event with a store-assigned id and no metadata. */
    public static EventData json(String type, byte[] jsonData) {
        return new EventData(Optional.empty(), type, jsonData, NONE, JSON, Optional.empty());
    }

    public static Builder builder(String type) {
        return new Builder(type);
    }

    public boolean hasMetadata() {
        return metadata.length > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventData other && id.equals(other.id) && type.equals(other.type)
                && Arrays.equals(data, other.data) && Arrays.equals(metadata, other.metadata)
                && contentType.equals(other.contentType) && validTime.equals(other.validTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, Arrays.hashCode(data), Arrays.hashCode(metadata), contentType, validTime);
    }

    @Override
    public String toString() {
        return "EventData[" + type + ", id=" + id.map(UUID::toString).orElse("auto") + ", " + data.length + " bytes]";
    }

    /** Builds an {@link EventData}; only the type is required. */
    public static final class Builder {
        private final String type;
        private UUID id;
        private byte[] data = NONE;
        private byte[] metadata = NONE;
        private String contentType = JSON;
        private Instant validTime;

        private Builder(String type) {
            this.type = type;
        }

        public Builder id(UUID id) {
            this.id = id;
            return this;
        }

        public Builder data(byte[] data) {
            this.data = data;
            return this;
        }

        public Builder metadata(byte[] metadata) {
            this.metadata = metadata;
            return this;
        }

        public Builder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        public Builder validTime(Instant validTime) {
            this.validTime = validTime;
            return this;
        }

        public EventData build() {
            return new EventData(Optional.ofNullable(id), type, data, metadata, contentType, Optional.ofNullable(validTime));
        }
    }
}
