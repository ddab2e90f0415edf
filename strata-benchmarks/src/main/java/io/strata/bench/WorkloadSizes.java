package io.strata.bench;

import java.time.Duration;

/**
 * How big each workload is. {@link #full()} is the definition in {@code bench/WORKLOADS.md};
 * {@link #forQuickRun()} scales it down so W1 to W6 take about a minute; {@link #scaled} shrinks further
 * for tests. The shape of a workload (clients, subscribers, event size, events per append, the W6
 * rate) never changes with the size: only counts and durations do.
 */
public record WorkloadSizes(
        boolean quick,
        // W1: serial appends plus the bare write+fsync baseline
        int w1WarmupAppends, int w1Appends, int w1AppendsPerStream, int baselineWarmupWrites, int baselineWrites,
        // W2: concurrent single-event appends with exact expected revisions
        int w2Clients, int w2Streams, Duration w2Warmup, Duration w2Measure, long w2MaxAppends,
        // W3: batched appends
        int w3Clients, int w3EventsPerAppend, int w3AppendsPerStream, Duration w3Warmup, Duration w3Measure,
        long w3MaxAppends,
        // W4: catch-up read of $all, after reading pages for the warm-up
        long w4Events, int w4EventsPerAppend, int w4PageSize, Duration w4Warmup,
        // W5: read one stream among many
        int w5Streams, int w5HotEvents, int w5WarmupReads, int w5Reads,
        // W6: live fan-out
        int w6Subscribers, int w6EventsPerSecond, Duration w6Warmup, Duration w6Measure, Duration w6DrainTimeout,
        // W7: a consumer group from the start of a log written first; the warm-up is a first group that stops early
        int w7Consumers, long w7Events, int w7Streams, int w7EventsPerAppend, long w7WarmupEvents,
        // how often long phases print their counts
        Duration progressInterval,
        // whether warm-ups of W2, W3, W4 and W6 go on until the JIT compilers are nearly idle (JitWarmUp)
        boolean waitForJit) {

    public static final int EVENT_BYTES = 256;

    /** The workloads as {@code bench/WORKLOADS.md} defines them. */
    public static WorkloadSizes full() {
        return new WorkloadSizes(false,
                2_000, 20_000, 100, 200, 2_000,
                64, 100_000, Duration.ofSeconds(3), Duration.ofSeconds(15), Long.MAX_VALUE,
                8, 100, 100, Duration.ofSeconds(3), Duration.ofSeconds(15), Long.MAX_VALUE,
                10_000_000L, 1_000, 1_000, Duration.ofSeconds(3),
                1_000_000, 1_000, 1_000, 10_000,
                100, 10_000, Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(60),
                8, 1_000_000L, 10_000, 10, 100_000L,
                Duration.ofSeconds(5), true);
    }

    /** Every workload scaled down: {@code strata bench W1 W2 W3 W4 W5 W6 --quick} takes about a minute. */
    public static WorkloadSizes forQuickRun() {
        return new WorkloadSizes(true,
                200, 2_000, 100, 100, 2_000,
                64, 20_000, Duration.ofSeconds(1), Duration.ofSeconds(4), Long.MAX_VALUE,
                8, 100, 100, Duration.ofSeconds(1), Duration.ofSeconds(4), Long.MAX_VALUE,
                1_000_000L, 1_000, 1_000, Duration.ofSeconds(1),
                100_000, 1_000, 100, 1_000,
                100, 10_000, Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(30),
                8, 200_000L, 2_000, 10, 20_000L,
                Duration.ofSeconds(3), false);
    }

    /**
     * These sizes times {@code factor} (counts and durations), with floors that keep every phase
     * meaningful: at least 20 measured appends, 100 ms per timed phase, 10 events in the W5 stream.
     */
    public WorkloadSizes scaled(double factor) {
        long w4 = Math.max(1_000, Math.round(w4Events * factor));
        return new WorkloadSizes(quick,
                atLeast(10, w1WarmupAppends, factor), atLeast(20, w1Appends, factor), w1AppendsPerStream,
                atLeast(10, baselineWarmupWrites, factor), atLeast(20, baselineWrites, factor),
                w2Clients, atLeast(w2Clients * 2, w2Streams, factor), atLeast(w2Warmup, factor),
                atLeast(w2Measure, factor), w2MaxAppends,
                w3Clients, w3EventsPerAppend, w3AppendsPerStream, atLeast(w3Warmup, factor), atLeast(w3Measure, factor),
                w3MaxAppends,
                w4, (int) Math.min(w4EventsPerAppend, Math.max(10, w4 / 20)), (int) Math.min(w4PageSize, Math.max(10, w4 / 10)),
                atLeast(w4Warmup, factor),
                atLeast(100, w5Streams, factor), atLeast(10, w5HotEvents, factor), atLeast(5, w5WarmupReads, factor),
                atLeast(20, w5Reads, factor),
                w6Subscribers, w6EventsPerSecond, atLeast(w6Warmup, factor), atLeast(w6Measure, factor), w6DrainTimeout,
                w7Consumers, Math.max(1_000, Math.round(w7Events * factor)), atLeast(w7Consumers * 2, w7Streams, factor),
                w7EventsPerAppend, Math.max(100, Math.round(w7WarmupEvents * factor)),
                progressInterval, false);
    }

    /**
     * These sizes, with warm-ups of W2, W3, W4 and W6 that wait for the JIT ({@link JitWarmUp}): how the peers'
     * harness runs the quick sizes, so that a run's W6 rows are not measured while C2 compiles.
     */
    public WorkloadSizes waitingForJit() {
        return new WorkloadSizes(
                quick, w1WarmupAppends, w1Appends, w1AppendsPerStream, baselineWarmupWrites, baselineWrites,
                w2Clients, w2Streams, w2Warmup, w2Measure, w2MaxAppends, w3Clients, w3EventsPerAppend,
                w3AppendsPerStream, w3Warmup, w3Measure, w3MaxAppends, w4Events, w4EventsPerAppend, w4PageSize, w4Warmup,
                w5Streams, w5HotEvents, w5WarmupReads, w5Reads, w6Subscribers, w6EventsPerSecond, w6Warmup,
                w6Measure, w6DrainTimeout, w7Consumers, w7Events, w7Streams, w7EventsPerAppend, w7WarmupEvents,
                progressInterval, true);
    }

    private static int atLeast(int floor, long value, double factor) {
        return (int) Math.max(floor, Math.round(value * factor));
    }

    private static Duration atLeast(Duration value, double factor) {
        return Duration.ofMillis(Math.max(100, Math.round(value.toMillis() * factor)));
    }
}
