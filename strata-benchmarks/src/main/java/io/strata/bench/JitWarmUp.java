package io.strata.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a warm-up is over: after its minimum, and then, for full-size runs, once this JVM's JIT compilers
 * have been nearly idle for {@value #QUIET_SECONDS} seconds in a row (under
 * {@value #QUIET_MILLIS_PER_SECOND} ms of compiling in each), or after {@link #MAX_EXTENSION} more,
 * whichever comes first. The line's {@code warmupSeconds} says how long it took.
 *
 * <pre>
 *   start ── minimum ──┬── JIT quiet for the last 3 seconds? ── yes ──► measure
 *                      └── no: go on warming, look again each second, at most MAX_EXTENSION
 * </pre>
 *
 * <p>Design note: a fixed three-second warm-up measured W6 over gRPC (server, 100 subscribers and writer
 * in this JVM, 1 M deliveries/s) while the C2 compiler still took 57 % of one of the two cores: p99
 * 2.6 s, the writer falling behind. Run three times in one JVM, the third run gave p99 50 ms with the same
 * code ({@code ./strata bench W6 W6 W6 --target strata-grpc}, 2026-11-28). A server runs for days; its
 * steady state is what the workloads describe. One quiet second was not enough (a lull between bursts of
 * compiling: p99 76 and 698 ms in two runs); three gave p99 35 ms after a 27 s warm-up. Quick runs and
 * tests keep their fixed warm-up.
 */
public final class JitWarmUp {
    static final long QUIET_MILLIS_PER_SECOND = 50;
    static final int QUIET_SECONDS = 3;
    static final Duration MAX_EXTENSION = Duration.ofSeconds(60);
    private static final long SECOND = 1_000_000_000L;

    /** Milliseconds this JVM has spent compiling so far. */
    private final LongSupplier compileMillis;
    private final long start;
    private final long minimumEnd;
    private final long latestEnd;
    private boolean windowOpen;
    private int quietSeconds;
    private long windowStart;
    private long windowCompileMillis;
    private long end = -1;

    /**
     * A warm-up starting now that lasts {@code minimum}, extended while the JIT is busy when
     * {@code waitForJit} (and this JVM reports compilation time).
     */
    public JitWarmUp(Duration minimum, boolean waitForJit) {
        this(minimum, waitForJit && compilationTimeKnown(), System.nanoTime(), ManagementFactory.getCompilationMXBean()::getTotalCompilationTime);
    }

    /** A warm-up from {@code start} (nanoTime) reading the JIT's time from {@code compileMillis}: tests give their own. */
    JitWarmUp(Duration minimum, boolean waitForJit, long start, LongSupplier compileMillis) {
        this.start = start;
        this.compileMillis = compileMillis;
        this.minimumEnd = start + minimum.toNanos();
        this.latestEnd = waitForJit ? minimumEnd + MAX_EXTENSION.toNanos() : minimumEnd;
    }

    private static boolean compilationTimeKnown() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported();
    }

    /** Whether the warm-up is over at {@code now} (System.nanoTime()); once true, always true. Call often. */
    public boolean isOver(long now) {
        if (end >= 0) {
            return true;
        }
        if (now - minimumEnd < 0) {
            return false;
        }
        if (now - latestEnd >= 0) {
            end = now;
            return true;
        }
        if (!windowOpen) {
            startWindow(now);
            return false;
        }
        if (now - windowStart < SECOND) {
            return false;
        }
        long compiled = compileMillis.getAsLong() - windowCompileMillis;
        quietSeconds = compiled * SECOND < QUIET_MILLIS_PER_SECOND * (now - windowStart) ? quietSeconds + 1 : 0;
        if (quietSeconds >= QUIET_SECONDS) {
            end = now;
            return true;
        }
        startWindow(now);
        return false;
    }

    private void startWindow(long now) {
        windowOpen = true;
        windowStart = now;
        windowCompileMillis = compileMillis.getAsLong();
    }

    /** How long the warm-up lasted; valid once it is over. */
    public double seconds() {
        return (end - start) / 1e9;
    }
}
