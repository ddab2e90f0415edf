package io.strata.eventsourcing;

import io.strata.core.ErrorCode;
import io.strata.core.StrataException;

import java.util.OptionalLong;

/** A load {@link LoadPoint#atRevision at a revision} the aggregate has not reached. */
public final class RevisionNotFoundException extends StrataException {
    private final String stream;
    private final long requested;
    private final OptionalLong last;

    public RevisionNotFoundException(String stream, long requested, OptionalLong last) {
        super(ErrorCode.NOT_FOUND, "revision " + requested + " of '" + stream + "' was requested, but "
                + (last.isPresent() ? "its last revision is " + last.getAsLong() : "it has no events"));
        this.stream = stream;
        this.requested = requested;
        this.last = last;
    }

    public String stream() {
        return stream;
    }

    public long requested() {
        return requested;
    }

    /** The stream's last revision; empty when it has no events. */
    public OptionalLong last() {
        return last;
    }
}
