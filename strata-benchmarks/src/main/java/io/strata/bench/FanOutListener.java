package io.strata.bench;

import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * One W6 subscriber ({@link FanOutRun#newListener()}): given the data of each event delivered to it, a
 * {@link Payloads} document with the event's sequence number and append time, it records the
 * append-to-delivery latency of the measured events and which of them it received, so that the run can
 * fail unless it got every one exactly once. Deliveries may come on any thread.
 *
 * <p>The warm-up's first events are recorded the same way, into a window thrown away when the measured
 * one takes its place ({@link #measureFrom}). Why: when the warm-up's deliveries all returned early, the
 * JIT compiled {@link #accept} without the recording path, and the first measured event deoptimised it
 * (JFR {@code jdk.Deoptimization}, {@code unstable_if}): 100 subscribers then ran it interpreted, at
 * 1 M deliveries/s, just as the measured phase began.
 */
public final class FanOutListener implements Consumer<byte[]> {
    private final long origin;
    private final long measureEvents;
    /** Where deliveries go: the warm-up's window, then the measured one. Both are read the same way. */
    private volatile Window window;
    private volatile Window measuredWindow; // null until measuring starts
    private final AtomicReference<Throwable> error = new AtomicReference<>();

    /** Measures {@code measureEvents} events from the one {@link #measureFrom} names; times are nanos since {@code origin}. */
    FanOutListener(long origin, long measureEvents) {
        this.origin = origin;
        this.measureEvents = measureEvents;
        this.window = new Window(0, measureEvents);
    }

    /** From now on, events {@code first} to {@code first + measureEvents - 1} are measured. Call before sending {@code first}. */
    void measureFrom(long first) {
        Window measuring = new Window(first, measureEvents);
        measuredWindow = measuring;
        window = measuring;
    }

    /**
     * One delivery, now. Data that is not a benchmark payload fails this subscriber, as a failed
     * subscription does, rather than the delivering thread, which belongs to the client under test.
     */
    @Override
    public void accept(byte[] data) {
        long now = System.nanoTime();
        try {
            window.record(Payloads.sequence(data), Math.max(0, now - origin - Payloads.nanos(data)));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** The subscription failed with {@code error}: the first failure is the one reported. */
    void fail(Throwable error) {
        this.error.compareAndSet(null, error);
    }

    /** Measured events received so far, once each. */
    long measured() {
        Window measuring = measuredWindow;
        return measuring == null ? 0 : measuring.received.get();
    }

    /** Whether it has every measured event and has not failed: nothing more to wait for. */
    boolean hasAll() {
        return error.get() == null && measured() >= measureEvents;
    }

    void addLatenciesTo(Histogram all) {
        Window measuring = measuredWindow;
        if (measuring != null) {
            measuring.addLatenciesTo(all);
        }
    }

    /** Fails unless this subscriber ({@code index}) got each measured event exactly once within {@code waited}. */
    void check(int index, Duration waited) {
        Throwable failure = error.get();
        if (failure != null) {
            throw new IllegalStateException("subscriber " + index + " failed: " + failure, failure);
        }
        Window measuring = measuredWindow;
        long received = measuring == null ? 0 : measuring.received.get();
        long duplicates = measuring == null ? 0 : measuring.duplicates.get();
        if (received != measureEvents || duplicates != 0) {
            throw new IllegalStateException("subscriber " + index + " received " + received + " of "
                    + measureEvents + " measured events (" + duplicates + " duplicates) within "
                    + waited.toSeconds() + " s of the last append");
        }
    }

    /**
     * The latencies of events {@code first} to {@code first + size - 1} and which of them came. Others are
     * passed over with one unsigned comparison, a branch the warm-up's window takes both ways.
     */
    private static final class Window {
        private final long first;
        private final long size;
        private final Histogram histogram = Measurement.newHistogram(); // guarded by this
        private final BitSet seen; // guarded by this
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();

        Window(long first, long size) {
            this.first = first;
            this.size = size;
            this.seen = new BitSet((int) size);
        }

        void record(long sequence, long latency) {
            long n = sequence - first;
            if (Long.compareUnsigned(n, size) >= 0) {
                return; // before the window (negative: a huge unsigned number) or after it
            }
            synchronized (this) {
                if (seen.get((int) n)) {
                    duplicates.incrementAndGet();
                    return;
                }
                seen.set((int) n);
                histogram.recordValue(latency);
            }
            received.incrementAndGet();
        }

        synchronized void addLatenciesTo(Histogram all) {
            all.add(histogram);
        }
    }
}
