package io.strata.core;

/**
 * Base of every error Strata raises. Unchecked; carries a stable {@link ErrorCode} and, in
 * subclasses, the facts of the failure as fields.
 */
public class StrataException extends RuntimeException {
    private final ErrorCode code;

    public StrataException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public StrataException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
