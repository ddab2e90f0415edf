package io.strata.eventsourcing.serialization;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The explicit map between stored event type names and Java classes, with each type's current
 * schema version. Immutable and thread-safe once built.
 *
 * <pre>{@code
 * EventTypeRegistry registry = EventTypeRegistry.builder()
 *         .register("CounterIncremented", CounterIncremented.class)
 *         .register("ItemAdded", ItemAdded.class, 3)      // schema version 3
 *         .build();
 * }</pre>
 *
 * <p>Design note: the registry is explicit rather than derived from class names or annotations so
 * that refactoring a class can never silently change what is written to (or expected from) the
 * log; {@link Builder#registerSealed} is the shortcut when simple class names are good enough.
 */
public final class EventTypeRegistry {
    private final Map<String, EventType<?>> byName;
    private final Map<Class<?>, EventType<?>> byClass;

    private EventTypeRegistry(Map<String, EventType<?>> byName, Map<Class<?>, EventType<?>> byClass) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        this.byClass = Map.copyOf(byClass);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The type registered under {@code name}, if any. */
    public Optional<EventType<?>> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The type registered for exactly {@code javaClass} (not a subclass), if any. */
    public Optional<EventType<?>> byClass(Class<?> javaClass) {
        return Optional.ofNullable(byClass.get(javaClass));
    }

    /**
     * The type registered for the class of {@code event}.
     *
     * @throws UnknownEventTypeException the class is not registered
     */
    public EventType<?> typeOf(Object event) {
        Objects.requireNonNull(event, "event");
        EventType<?> type = byClass.get(event.getClass());
        if (type == null) {
            throw UnknownEventTypeException.forClass(event.getClass());
        }
        return type;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Every registered type, in registration order. */
    public Collection<EventType<?>> types() {
        return byName.values();
    }

    /** Collects registrations; a name or a class may be registered once. Not thread-safe. */
    public static final class Builder {
        private final Map<String, EventType<?>> byName = new LinkedHashMap<>();
        private final Map<Class<?>, EventType<?>> byClass = new LinkedHashMap<>();

        private Builder() {
        }

        /** Registers {@code javaClass} under {@code name} at schema version 1. */
        public Builder register(String name, Class<?> javaClass) {
            return register(name, javaClass, 1);
        }

        /** Registers {@code javaClass} under {@code name} at {@code schemaVersion}. */
        public Builder register(String name, Class<?> javaClass, int schemaVersion) {
            return register(new EventType<>(name, javaClass, schemaVersion));
        }

        public Builder register(EventType<?> type) {
            if (byName.containsKey(type.name())) {
                throw new IllegalArgumentException("event type '" + type.name() + "' is already registered for "
                        + byName.get(type.name()).javaClass().getName());
            }
            if (byClass.containsKey(type.javaClass())) {
                throw new IllegalArgumentException(type.javaClass().getName() + " is already registered as '"
                        + byClass.get(type.javaClass()).name() + "'");
            }
            byName.put(type.name(), type);
            byClass.put(type.javaClass(), type);
            return this;
        }

        /**
         * Registers every permitted subclass of the sealed {@code root} (recursively through sealed
         * sub-interfaces) under its simple class name at schema version 1.
         *
         * <p>The simple name is then stored in the log: renaming such a class later needs an explicit
         * {@link #register(String, Class)} under the old name.
         */
        public Builder registerSealed(Class<?> root) {
            if (!root.isSealed()) {
                throw new IllegalArgumentException(root.getName() + " is not sealed");
            }
            for (Class<?> permitted : root.getPermittedSubclasses()) {
                if (permitted.isSealed()) {
                    registerSealed(permitted);
                } else if (!permitted.isInterface()) {
                    register(permitted.getSimpleName(), permitted);
                }
            }
            return this;
        }

        public EventTypeRegistry build() {
            return new EventTypeRegistry(byName, byClass);
        }
    }
}
