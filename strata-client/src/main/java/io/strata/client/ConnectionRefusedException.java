package io.strata.client;

/**
 * No connection to the server could be made: nothing listens at its address (refused), or connecting
 * timed out. The request never reached the server, so nothing was applied.
 */
public final class ConnectionRefusedException extends ServerConnectionException {
    ConnectionRefusedException(String address, String reason, Throwable cause) {
        super(address, "cannot connect to the Strata server at " + address + ": " + reason, cause);
    }
}
