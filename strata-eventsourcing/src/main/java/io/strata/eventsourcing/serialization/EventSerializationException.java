package io.strata.eventsourcing.serialization;

/**
 * An event could not be turned into bytes, or bytes back into an event. Unchecked; the subclasses
 * say which.
 */
public class EventSerializationException extends RuntimeException {
    public EventSerializationException(String message) {
        super(message);
    }

    public EventSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
