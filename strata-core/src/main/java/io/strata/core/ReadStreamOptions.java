package io.strata.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How to read a stream.
 *
 * @param from      the first revision to return (inclusive); {@link #START} or {@link #END}
 * @param direction forwards (ascending revisions) or backwards
 * @param limit     at most this many events, 1 or more
 * @param asOf      only events recorded at or before this time: the stream as it was then known
 */
public record ReadStreamOptions(long from, Direction direction, int limit, Optional<Instant> asOf) {
    public static final long START = 0;
    public static final long END = Long.MAX_VALUE;
    public static final int DEFAULT_LIMIT = 100;

    public ReadStreamOptions {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(asOf, "asOf");
        if (from < 0) {
            throw new InvalidRequestException("from must be a revision (0 or more), got " + from);
        }
        if (limit < 1) {
            throw new InvalidRequestException("limit must be at least 1, got " + limit);
        }
    }

    /** From the first revision forwards, {@value #DEFAULT_LIMIT} events. */
    public static ReadStreamOptions forwards() {
        return new ReadStreamOptions(START, Direction.FORWARD, DEFAULT_LIMIT, Optional.empty());
    }

    /** From the last revision backwards, {@value #DEFAULT_LIMIT} events. */
    public static ReadStreamOptions backwards() {
        return new ReadStreamOptions(END, Direction.BACKWARD, DEFAULT_LIMIT, Optional.empty());
    }

    public ReadStreamOptions from(long revision) {
        return new ReadStreamOptions(revision, direction, limit, asOf);
    }

    public ReadStreamOptions limit(int limit) {
        return new ReadStreamOptions(from, direction, limit, asOf);
    }

    public ReadStreamOptions asOf(Instant time) {
        return new ReadStreamOptions(from, direction, limit, Optional.of(time));
    }
}
