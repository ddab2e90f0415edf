package io.strata.core;

/** An event, a request or a batch is over one of the store's limits. */
public final class TooLargeException extends StrataException {
    private final String what;
    private final long limit;
    private final long actual;

    public TooLargeException(String what, long limit, long actual) {
        super(ErrorCode.TOO_LARGE, what + " is " + actual + ", over the limit of " + limit);
        this.what = what;
        this.limit = limit;
        this.actual = actual;
    }

    /** What is over the limit, e.g. "event size". */
    public String what() {
        return what;
    }

    public long limit() {
        return limit;
    }

    public long actual() {
        return actual;
    }
}
