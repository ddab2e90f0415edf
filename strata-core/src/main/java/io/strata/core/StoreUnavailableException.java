package io.strata.core;

/**
 * The store cannot take the request: it is closed, shutting down, or its writer stopped after an
 * unrecoverable I/O error (an fsync failure is never retried).
 */
public final class StoreUnavailableException extends StrataException {
    public StoreUnavailableException(String message) {
        super(ErrorCode.UNAVAILABLE, message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause);
    }
}
