package io.strata.client;

import io.strata.core.ErrorCode;
import io.strata.core.StrataException;

/**
 * A call failed on its way to or from the server, not in the store: nothing could be connected, the
 * server went away, or no answer came in time. Each names the server's address. Whether the store
 * applied an append that failed so is unknown: retry it with the same event ids, which makes the retry
 * idempotent.
 *
 * <p>The store's own failures (a wrong expected revision, a missing stream, a closed store) come back as
 * the engine's exceptions instead, exactly as the embedded engine throws them.
 */
public abstract sealed class ServerConnectionException extends StrataException
        permits ConnectionRefusedException, DeadlineExceededException, ServerUnavailableException {
    private final String address;

    ServerConnectionException(String address, String message, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause);
        this.address = address;
    }

    /** The server's address as the client was given it, e.g. {@code 127.0.0.1:7701}. */
    public String address() {
        return address;
    }
}
