package io.strata.eventsourcing;

import io.strata.core.ErrorCode;
import io.strata.core.StrataException;
import io.strata.core.WrongExpectedRevisionException;

/**
 * A command met a concurrency conflict on every attempt its {@link ConflictRetryPolicy} allows. Nothing of
 * it was appended. The last conflict is the cause.
 *
 * <p>It keeps the code {@link ErrorCode#WRONG_EXPECTED_REVISION} so that a transport maps it like the
 * conflict it is (HTTP 409): the caller may send the command again.
 */
public final class ConflictRetriesExhaustedException extends StrataException {
    private final String stream;
    private final int attempts;

    public ConflictRetriesExhaustedException(String stream, int attempts, WrongExpectedRevisionException lastConflict) {
        super(ErrorCode.WRONG_EXPECTED_REVISION, "command on '" + stream + "' gave up after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + ", each a concurrency conflict (last: "
                + lastConflict.getMessage() + "); nothing was appended", lastConflict);
        this.stream = stream;
        this.attempts = attempts;
    }

    public String stream() {
        return stream;
    }

    public int attempts() {
        return attempts;
    }
}
