package io.strata.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Times as the HTTP API writes them: RFC 3339 in UTC. */
final class Times {
    /** Server-side times always show six fraction digits, so they line up and sort as text. */
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    /** A time the store recorded: UTC, microsecond precision, e.g. {@code 2026-11-27T10:15:30.123456Z}. */
    static String recorded(Instant time) {
        return MICROS.format(time);
    }

    /** A time a writer gave (valid time): UTC, only the fraction digits it has. */
    static String plain(Instant time) {
        return DateTimeFormatter.ISO_INSTANT.format(time);
    }

    /**
     * Parses an RFC 3339 time with an offset ({@code 2026-11-01T00:00:00Z},
     * {@code 2026-11-01T01:00:00+01:00}).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an RFC 3339 time such as 2026-11-01T00:00:00Z");
        }
    }
}
