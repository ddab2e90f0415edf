package io.strata.eventsourcing.projection;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a runner tries an event (or a commit, or a side effect) before it stops and reports, and
 * how long it waits in between: doubling from {@code firstBackoff} up to {@code maxBackoff}.
 *
 * <p>The default (6 attempts, 100 ms doubling: ~3 s in all) rides out a database failover or a lock
 * timeout without hiding a handler that is simply wrong for an event.
 *
 * @param maxAttempts attempts in all, 1 or more (1: no retry)
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(10));

    public RetryPolicy {
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts is 1 or more, got " + maxAttempts);
        }
        if (firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= firstBackoff <= maxBackoff, got " + firstBackoff + " and " + maxBackoff);
        }
    }

    /** Never retries: the first failure stops the runner. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} (1 or more) failed. */
    public Duration backoffAfter(int attempt) {
        int doublings = Math.min(attempt - 1, 30);
        long millis = firstBackoff.toMillis() << doublings;
        return millis < 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }
}
