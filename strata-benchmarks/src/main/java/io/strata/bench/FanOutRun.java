package io.strata.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * One run of W6, live fan-out, for this driver's {@link W6LiveFanOut} and the peers' harness
 * ({@code bench/peers}), so that both write, measure and check the same way. The caller subscribes a
 * {@link #newListener() listener} per subscriber from the end of its log, has {@link #write} send the
 * events at the steady rate, waits for its appends, and {@link #awaitDeliveries() awaits the deliveries},
 * which fails unless every subscriber received every measured event exactly once.
 *
 * <p>The writer is open loop: event {@code n} is sent at {@code start + n / rate}, without waiting for the
 * previous one, whatever that one cost; how late the measured sends were is on the line
 * ({@code maxWriterLagMs}). Each event carries the {@link System#nanoTime()} of its send, so each
 * subscriber records now minus that on delivery. Calls other than the listeners' and the progress
 * counts' come from one thread.
 */
public final class FanOutRun {
    /** Appends the writer keeps in flight at the most: enough for a second at the rate of bench/WORKLOADS.md. */
    public static final int MAX_APPENDS_IN_FLIGHT = 10_000;
    private static final int EVENTS_PER_STREAM = 1_000;

    /** Appends one event without waiting for it (blocking only while too many are in flight). */
    @FunctionalInterface
    public interface Sender {
        /** Appends {@code data}, the event's payload, to {@code stream} as its revision {@code revision} (from 0). */
        void send(String stream, long revision, byte[] data) throws Exception;
    }

    /** What the run measured, to put on the result line. */
    public record Result(long events, double seconds, Histogram latencyNanos, Map<String, Object> extras) {
    }

    private final WorkloadSizes sizes;
    private final Consumer<String> say;
    private final int rate;
    private final long measureEvents;
    /** The first measured event's number, once the warm-up is over. */
    private final AtomicLong firstMeasured = new AtomicLong(Long.MAX_VALUE);
    private final long origin = System.nanoTime();
    private final List<FanOutListener> listeners = new ArrayList<>(); // all added before the writer starts
    private final AtomicLong sent = new AtomicLong();
    private long measureStart;
    private long measureEnd;
    private long maxLagNanos;
    private double warmupSeconds;

    /** A run of {@code sizes}' W6 that prints its phases with {@code say}. */
    public FanOutRun(WorkloadSizes sizes, Consumer<String> say) {
        this.sizes = sizes;
        this.say = say;
        this.rate = sizes.w6EventsPerSecond();
        this.measureEvents = Math.max(1, rate * sizes.w6Measure().toMillis() / 1000);
    }

    /** The listener of one more subscriber; each must be subscribed from the end of the log before {@link #write}. */
    public FanOutListener newListener() {
        FanOutListener listener = new FanOutListener(origin, measureEvents);
        listeners.add(listener);
        return listener;
    }

    /** Events the writer will send, once the warm-up is over (then known); -1 before. */
    public long totalEvents() {
        long first = firstMeasured.get();
        return first == Long.MAX_VALUE ? -1 : first + measureEvents;
    }

    /** Events sent so far; for progress reports from another thread. */
    public long sent() {
        return sent.get();
    }

    /** Measured events received so far, summed over the subscribers; for progress reports from another thread. */
    public long measuredDeliveries() {
        long sum = 0;
        for (FanOutListener listener : listeners) {
            sum += listener.measured();
        }
        return sum;
    }

    /**
     * Sends the warm-up's events, then the measured ones, each when due at the steady rate, through
     * {@code sender}, a thousand to a stream ({@code w6-0}, {@code w6-1}, …). Returns after the last send;
     * waiting for the appends is the caller's.
     */
    public void write(Sender sender) throws Exception {
        say.accept("warm-up: " + ClosedLoop.seconds(sizes.w6Warmup()) + (sizes.waitForJit() ? " or more, until the JIT is idle" : "")
                + " at " + rate + " events/s");
        JitWarmUp warmUp = new JitWarmUp(sizes.w6Warmup(), sizes.waitForJit());
        long measureFrom = Long.MAX_VALUE;
        long start = System.nanoTime();
        for (long n = 0; measureFrom == Long.MAX_VALUE || n < measureFrom + measureEvents; n++) {
            long due = start + n * 1_000_000_000L / rate; // on schedule, whatever the last one cost
            long now = System.nanoTime();
            while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            if (measureFrom == Long.MAX_VALUE && n > 0 && warmUp.isOver(now)) {
                measureFrom = n;
                firstMeasured.set(n);
                for (FanOutListener listener : listeners) {
                    listener.measureFrom(n); // before event n is sent: every delivery of it is measured
                }
                measureStart = now;
                warmupSeconds = warmUp.seconds();
                say.accept(String.format(Locale.ROOT, "measuring: %d events at %d events/s (warm-up: %d events, %.1f s)",
                        measureEvents, rate, n, warmupSeconds));
            }
            if (n >= measureFrom) {
                maxLagNanos = Math.max(maxLagNanos, now - due);
            }
            sender.send("w6-" + n / EVENTS_PER_STREAM, n % EVENTS_PER_STREAM, Payloads.data(n, System.nanoTime() - origin));
            sent.lazySet(n + 1);
        }
        measureEnd = System.nanoTime();
    }

    /**
     * Waits, up to the drain timeout of the sizes, until every subscriber has every measured event; then
     * fails unless each got each exactly once, and returns what the run measured: the latencies of all
     * subscribers together and the extras of W6's line.
     */
    public Result awaitDeliveries() throws InterruptedException {
        say.accept("measuring: waiting for every subscriber to receive every event");
        long deadline = System.nanoTime() + sizes.w6DrainTimeout().toNanos();
        while (!listeners.stream().allMatch(FanOutListener::hasAll) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Histogram latency = Measurement.newHistogram();
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).check(i, sizes.w6DrainTimeout());
            listeners.get(i).addLatenciesTo(latency);
        }
        double seconds = (measureEnd - measureStart) / 1e9;
        if (measureEvents / seconds < 0.95 * rate) {
            say.accept(String.format(Locale.ROOT, "measuring: the writer fell behind: %.0f events/s of %d (max lag %.1f ms)",
                    measureEvents / seconds, rate, maxLagNanos / 1e6));
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("subscribers", sizes.w6Subscribers());
        extras.put("targetEventsPerSecond", rate);
        extras.put("deliveries", latency.getTotalCount());
        extras.put("latencyOf", "append to delivery, per subscriber");
        extras.put("maxWriterLagMs", maxLagNanos / 1e6);
        extras.put("warmupSeconds", warmupSeconds);
        return new Result(measureEvents, seconds, latency, Collections.unmodifiableMap(extras));
    }
}
