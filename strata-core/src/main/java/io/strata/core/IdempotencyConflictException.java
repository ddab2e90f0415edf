package io.strata.core;

/**
 * Some but not all event ids of an append were already written, or they were written to another
 * stream or as another batch. Nothing of the append was written.
 */
public final class IdempotencyConflictException extends StrataException {
    private final String stream;

    public IdempotencyConflictException(String stream, String detail) {
        super(ErrorCode.IDEMPOTENCY_CONFLICT, detail);
        this.stream = stream;
    }

    public String stream() {
        return stream;
    }
}
