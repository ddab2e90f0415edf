package io.strata.eventsourcing.serialization;

import io.strata.core.StreamNames;

import java.util.Objects;

/**
 * One registered event type: the name stored with every event of {@code javaClass}, and the schema
 * version that {@code javaClass} reads and writes today.
 *
 * <p>The name, not the class, is what the log keeps, so classes may move or be renamed freely; the
 * name never changes once events carry it (an {@link Upcaster} may map an old name to a new one).
 *
 * @param name          the stored event type, e.g. {@code CounterIncremented}
 * @param javaClass     the class events of this type decode into (usually a record)
 * @param schemaVersion the current version of the JSON shape, 1 or more
 */
public record EventType<E>(String name, Class<E> javaClass, int schemaVersion) {
    public EventType {
        StreamNames.checkType(name);
        Objects.requireNonNull(javaClass, "javaClass");
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("a schema version is 1 or more, got " + schemaVersion + " for " + name);
        }
    }
}
