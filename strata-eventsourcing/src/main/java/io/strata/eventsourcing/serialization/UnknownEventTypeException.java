package io.strata.eventsourcing.serialization;

import java.util.Optional;

/**
 * An event's type is not in the {@link EventTypeRegistry}: a stored type name that no registration
 * (after upcasting) matches, or a Java class that was never registered.
 *
 * <p>Why an exception and not a skip: an aggregate that silently drops an event it does not know
 * folds to a wrong state. Readers that mean to ignore some types (a projection over a whole
 * category) ask {@link EventSerializer#canDeserialize} first and skip explicitly.
 */
public final class UnknownEventTypeException extends EventSerializationException {
    private final Optional<String> typeName;
    private final Optional<Class<?>> javaClass;

    private UnknownEventTypeException(String message, Optional<String> typeName, Optional<Class<?>> javaClass) {
        super(message);
        this.typeName = typeName;
        this.javaClass = javaClass;
    }

    /** A stored event whose type name is not registered; {@code where} names the event, e.g. {@code order-7@3}. */
    public static UnknownEventTypeException forName(String typeName, String where) {
        return new UnknownEventTypeException("unknown event type '" + typeName + "' at " + where
                + ": register it in the EventTypeRegistry (or add an upcaster that renames it)",
                Optional.of(typeName), Optional.empty());
    }

    /** An event object whose class is not registered. */
    public static UnknownEventTypeException forClass(Class<?> javaClass) {
        return new UnknownEventTypeException("event class " + javaClass.getName()
                + " is not registered in the EventTypeRegistry", Optional.empty(), Optional.of(javaClass));
    }

    /** The stored type name, when reading. */
    public Optional<String> typeName() {
        return typeName;
    }

    /** The unregistered class, when writing. */
    public Optional<Class<?>> javaClass() {
        return javaClass;
    }
}
