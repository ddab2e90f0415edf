package io.strata.core;

/**
 * Stored data failed its checksum or its hash chain somewhere other than a torn tail. Strata never
 * silently drops such data: it reports where, and stops.
 */
public final class CorruptedDataException extends StrataException {
    public CorruptedDataException(String message) {
        super(ErrorCode.CORRUPTED, message);
    }

    public CorruptedDataException(String message, Throwable cause) {
        super(ErrorCode.CORRUPTED, message, cause);
    }
}
