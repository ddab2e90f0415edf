package io.strata.eventsourcing.serialization;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What is known about an event besides its payload: which conversation it belongs to
 * ({@code correlationId}), what directly caused it ({@code causationId}: the command, or the event a
 * process reacted to), and free-form string entries (tenant, user, trace id).
 *
 * <p>Stored as one flat JSON object in the event's metadata bytes, next to the serializer's
 * {@code schemaVersion}:
 * <pre>{@code {"correlationId":"…","causationId":"…","schemaVersion":2,"tenant":"acme"}}</pre>
 * Flat, rather than nesting user entries, so that any reader of the log (the HTTP API, {@code
 * strata read}) sees ordinary keys; the price is that the {@link #RESERVED_KEYS} may not be
 * entries. Entries are sorted by key so equal metadata is equal bytes.
 *
 * @param correlationId the id shared by everything one request set off
 * @param causationId   the id of the command or event that produced this event
 * @param entries       further entries; none of {@link #RESERVED_KEYS}
 */
public record EventMetadata(Optional<String> correlationId, Optional<String> causationId, Map<String, String> entries) {
    public static final String CORRELATION_ID = "correlationId";
    public static final String CAUSATION_ID = "causationId";
    public static final String SCHEMA_VERSION = "schemaVersion";
    public static final Set<String> RESERVED_KEYS = Set.of(CORRELATION_ID, CAUSATION_ID, SCHEMA_VERSION);

    private static final EventMetadata EMPTY = new EventMetadata(Optional.empty(), Optional.empty(), Map.of());

    public EventMetadata {
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(causationId, "causationId");
        Objects.requireNonNull(entries, "entries");
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            Objects.requireNonNull(entry.getKey(), "entry key");
            Objects.requireNonNull(entry.getValue(), () -> "value of entry '" + entry.getKey() + "'");
            if (RESERVED_KEYS.contains(entry.getKey())) {
                throw new IllegalArgumentException("'" + entry.getKey() + "' is reserved in event metadata; use its own accessor");
            }
        }
        entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    public static EventMetadata empty() {
        return EMPTY;
    }

    /** Metadata of an event caused by {@code causationId} within the conversation {@code correlationId}. */
    public static EventMetadata of(String correlationId, String causationId) {
        return new EventMetadata(Optional.of(correlationId), Optional.of(causationId), Map.of());
    }

    public EventMetadata withCorrelationId(String id) {
        return new EventMetadata(Optional.of(id), causationId, entries);
    }

    public EventMetadata withCausationId(String id) {
        return new EventMetadata(correlationId, Optional.of(id), entries);
    }

    /** A copy with one more (or a replaced) entry. */
    public EventMetadata with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(entries);
        copy.put(key, value);
        return new EventMetadata(correlationId, causationId, copy);
    }

    /** A copy with all of {@code more} added (replacing equal keys). */
    public EventMetadata withAll(Map<String, String> more) {
        Map<String, String> copy = new TreeMap<>(entries);
        copy.putAll(more);
        return new EventMetadata(correlationId, causationId, copy);
    }

    public Optional<String> entry(String key) {
        return Optional.ofNullable(entries.get(key));
    }
}
