package io.strata.client;

import java.time.Duration;

/**
 * No answer came from the server within the call's deadline ({@link StrataClient.Builder#deadline}).
 * The server may still apply the request.
 */
public final class DeadlineExceededException extends ServerConnectionException {
    private final Duration deadline;

    DeadlineExceededException(String address, Duration deadline, Throwable cause) {
        super(address, "no answer from the Strata server at " + address + " within the deadline of "
                + Durations.text(deadline), cause);
        this.deadline = deadline;
    }

    /** The deadline the call had. */
    public Duration deadline() {
        return deadline;
    }
}
