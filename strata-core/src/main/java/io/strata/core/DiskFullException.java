package io.strata.core;

/**
 * The disk had no room for an append. Nothing of the append was written; the store stays readable,
 * and writable again once space is freed.
 */
public final class DiskFullException extends StrataException {
    public DiskFullException(String message, Throwable cause) {
        super(ErrorCode.DISK_FULL, message, cause);
    }
}
