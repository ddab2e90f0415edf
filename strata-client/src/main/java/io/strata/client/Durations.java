package io.strata.client;

import java.time.Duration;

/** Durations as people write them in messages: {@code 30 s}, {@code 250 ms}. */
final class Durations {
    private Durations() {
    }

    static String text(Duration duration) {
        if (duration.toMillis() >= 1000 && duration.toMillis() % 1000 == 0) {
            return duration.toSeconds() + " s";
        }
        if (duration.toNanos() >= 1_000_000) {
            return duration.toMillis() + " ms";
        }
        return duration.toNanos() / 1000 + " µs";
    }
}
