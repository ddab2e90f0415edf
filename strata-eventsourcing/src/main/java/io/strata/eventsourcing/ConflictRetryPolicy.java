package io.strata.eventsourcing;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often a command is decided again after a concurrency conflict, and how long to wait between
 * attempts: exponential backoff with full jitter (a random wait between 0 and
 * {@code min(maxBackoff, initialBackoff × 2^(attempt-1))}).
 *
 * <p>Why jitter: writers that collided once collide again if they all wait the same time; random
 * waits spread them out. Why the default of 10 attempts from 1 ms, capped at 50 ms: conflicts come
 * from writers in other processes (commands within one repository take turns per aggregate), which
 * rarely collide more than a few times; a real livelock still surfaces within about a quarter of a
 * second. Purely optimistic use under heavy contention (16 threads on one aggregate, locking off)
 * needs far more attempts: the concurrency test uses 200.
 *
 * @param maxAttempts    attempts in all, including the first; 1 means no retry
 * @param initialBackoff the upper bound of the wait before the second attempt
 * @param maxBackoff     the upper bound of any wait
 */
public record ConflictRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    private static final ConflictRetryPolicy DEFAULTS = new ConflictRetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(50));

    public ConflictRetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be 1 or more, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoffs must not be negative");
        }
    }

    /** 10 attempts, backoff from 1 ms up to 50 ms. */
    public static ConflictRetryPolicy defaults() {
        return DEFAULTS;
    }

    /** The default backoff with {@code maxAttempts} attempts. */
    public static ConflictRetryPolicy attempts(int maxAttempts) {
        return new ConflictRetryPolicy(maxAttempts, DEFAULTS.initialBackoff, DEFAULTS.maxBackoff);
    }

    /** One attempt: a conflict fails the command at once. */
    public static ConflictRetryPolicy noRetry() {
        return attempts(1);
    }

    /** The wait after failed attempt number {@code attempt} (1-based), drawn from {@code random}. */
    public Duration backoffAfter(int attempt, RandomGenerator random) {
        long initial = initialBackoff.toNanos();
        int doublings = Math.min(attempt - 1, 30);
        long bound = Math.min(maxBackoff.toNanos(), initial > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : initial << doublings);
        return bound <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(bound + 1));
    }
}
