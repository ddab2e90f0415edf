package io.strata.core;

/** The request itself is malformed: an invalid name, an empty batch, a bad argument. */
public final class InvalidRequestException extends StrataException {
    public InvalidRequestException(String message) {
        super(ErrorCode.INVALID_REQUEST, message);
    }
}
