package io.strata.eventsourcing.serialization;

/**
 * A stored event of a known type could not be decoded: its bytes are not a JSON object, its schema
 * version has no upcaster path to the registered version (or is newer than the code), an upcaster
 * failed, or the JSON does not bind to the class.
 */
public final class EventDecodingException extends EventSerializationException {
    public EventDecodingException(String message) {
        super(message);
    }

    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
