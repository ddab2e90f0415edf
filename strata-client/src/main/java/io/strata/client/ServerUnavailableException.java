package io.strata.client;

/**
 * The server went away during the call (its connection closed or broke), or cannot serve it. The
 * request may or may not have been applied.
 */
public final class ServerUnavailableException extends ServerConnectionException {
    ServerUnavailableException(String address, String reason, Throwable cause) {
        super(address, "the Strata server at " + address + " is unavailable: " + reason, cause);
    }
}
