package io.strata.eventsourcing.projection;

/** A checkpoint store (or an idempotency table) could not be read or written; the cause says why. */
public final class ProjectionStoreException extends RuntimeException {
    public ProjectionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
