package io.strata.core;

/**
 * An event's place in the global log ({@code $all}).
 *
 * <p>On the wire a position is an opaque string token. The embedded engine's token is the decimal
 * global sequence number: gap-free and commit-ordered, starting at 0. A later distributed engine may
 * use other tokens; keep comparisons to the engine.
 */
public record Position(long value) implements Comparable<Position> {
    public Position {
        if (value < 0) {
            throw new InvalidRequestException("a position is not negative, got " + value);
        }
    }

    public static Position of(long value) {
        return new Position(value);
    }

    /** Parses a wire token; an {@link InvalidRequestException} when it is not one. */
    public static Position parse(String token) {
        try {
            return new Position(Long.parseLong(token));
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("not a position token: '" + token + "'");
        }
    }

    public String token() {
        return Long.toString(value);
    }

    public Position next() {
        return new Position(value + 1);
    }

    @Override
    public int compareTo(Position other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return token();
    }
}
