package io.strata.bench.peers;

/** A peer that could not start; the message says which, why, and how to fix it. */
final class PeerUnavailable extends Exception {
    PeerUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
