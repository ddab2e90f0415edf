package io.strata.core;

import java.util.OptionalLong;

/** An append's expected revision did not match the stream's last revision. */
public final class WrongExpectedRevisionException extends StrataException {
    private final String stream;
    private final ExpectedRevision expected;
    private final OptionalLong actual;

    /**
     * @param actual the stream's last revision, or empty when the stream has no events
     */
    public WrongExpectedRevisionException(String stream, ExpectedRevision expected, OptionalLong actual) {
        super(ErrorCode.WRONG_EXPECTED_REVISION, "expected " + expected + ", actual "
                + (actual.isPresent() ? Long.toString(actual.getAsLong()) : "no_stream")
                + " on stream '" + stream + "'");
        this.stream = stream;
        this.expected = expected;
        this.actual = actual;
    }

    public String stream() {
        return stream;
    }

    public ExpectedRevision expected() {
        return expected;
    }

    /** The stream's last revision when the append was checked; empty when it had no events. */
    public OptionalLong actual() {
        return actual;
    }
}
