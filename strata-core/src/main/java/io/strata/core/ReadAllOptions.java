package io.strata.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How to read the global log ({@code $all}).
 *
 * @param from      the first position to look at (inclusive); {@link #START} or {@link #END}
 * @param direction forwards (ascending positions) or backwards
 * @param limit     at most this many events, 1 or more
 * @param asOf      only events recorded at or before this time
 * @param filter    which events to return; the others are skipped but still advance {@code next}
 */
public record ReadAllOptions(long from, Direction direction, int limit, Optional<Instant> asOf, EventFilter filter) {
    public static final long START = 0;
    public static final long END = Long.MAX_VALUE;

    public ReadAllOptions {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(asOf, "asOf");
        Objects.requireNonNull(filter, "filter");
        if (from < 0) {
            throw new InvalidRequestException("from must be a position (0 or more), got " + from);
        }
        if (limit < 1) {
            throw new InvalidRequestException("limit must be at least 1, got " + limit);
        }
    }

    public static ReadAllOptions forwards() {
        return new ReadAllOptions(START, Direction.FORWARD, ReadStreamOptions.DEFAULT_LIMIT, Optional.empty(), EventFilter.ALL);
    }

    public static ReadAllOptions backwards() {
        return new ReadAllOptions(END, Direction.BACKWARD, ReadStreamOptions.DEFAULT_LIMIT, Optional.empty(), EventFilter.ALL);
    }

    public ReadAllOptions from(long position) {
        return new ReadAllOptions(position, direction, limit, asOf, filter);
    }

    public ReadAllOptions from(Position position) {
        return from(position.value());
    }

    public ReadAllOptions limit(int limit) {
        return new ReadAllOptions(from, direction, limit, asOf, filter);
    }

    public ReadAllOptions asOf(Instant time) {
        return new ReadAllOptions(from, direction, limit, Optional.of(time), filter);
    }

    public ReadAllOptions filter(EventFilter filter) {
        return new ReadAllOptions(from, direction, limit, asOf, filter);
    }
}
