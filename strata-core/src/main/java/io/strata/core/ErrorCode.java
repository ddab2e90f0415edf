package io.strata.core;

/**
 * Stable machine codes of every error Strata reports.
 *
 * <p>The Java constant names may change; {@link #wireName()} never does: clients, the HTTP API and
 * the command line print and parse these names.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request"),
    STREAM_NOT_FOUND("stream_not_found"),
    NOT_FOUND("not_found"),
    WRONG_EXPECTED_REVISION("wrong_expected_revision"),
    IDEMPOTENCY_CONFLICT("idempotency_conflict"),
    /** A consumer group of that name exists with other settings. */
    GROUP_EXISTS("group_exists"),
    STREAM_DELETED("stream_deleted"),
    TOO_LARGE("too_large"),
    OVERLOADED("overloaded"),
    UNAVAILABLE("unavailable"),
    DISK_FULL("disk_full"),
    CORRUPTED("corrupted");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire and on the command line, e.g. {@code wrong_expected_revision}. */
    public String wireName() {
        return wireName;
    }
}
