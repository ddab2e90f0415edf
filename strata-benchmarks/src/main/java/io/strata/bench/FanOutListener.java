package io.strata.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
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
 *
 * <p>Design note: recording is one compare-and-set into an array made with the listener, and the histogram
 * is built once at the end ({@link #addLatenciesTo}). The first version kept a histogram and a bit set per
 * window, under a lock, and made the measured window when measuring began. In W6 over gRPC (2026-11-29,
 * JFR CPU-time samples of the measured phase) that recording was 11 % of all the process's samples, and
 * the 100 new windows (~30 MB, growing histograms) were copied by every young GC pause of the measured
 * phase: 28 MB of survivors, 5 of a pause's 8 ms. The driver competes with the system under test for the
 * machine's 2 cores, so its own cost showed up as the target's latency.
 */
public final class FanOutListener implements Consumer<byte[]> {
    private final long origin;
    private final long measureEvents;
    /** Made with the listener, as the warm-up's window is, so that nothing of the driver's is allocated while measuring. */
    private final Window measuredWindow;
    /** Where deliveries go: the warm-up's window, then the measured one. Both are read the same way. */
    private volatile Window window;
    private final AtomicReference<Throwable> error = new AtomicReference<>();

    /** Measures {@code measureEvents} events from the one {@link #measureFrom} names; times are nanos since {@code origin}. */
    FanOutListener(long origin, long measureEvents) {
        this.origin = origin;
        this.measureEvents = measureEvents;
        this.measuredWindow = new Window(measureEvents);
        this.window = new Window(measureEvents);
    }

    /** From now on, events {@code first} to {@code first + measureEvents - 1} are measured. Call before sending {@code first}, once. */
    void measureFrom(long first) {
        measuredWindow.first = first; // published by the volatile write below
        window = measuredWindow;
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

    private boolean measuring() {
        return window == measuredWindow;
    }

    /** Measured events received so far, once each. */
    long measured() {
        return measuring() ? measuredWindow.received.get() : 0;
    }

    /** Whether it has every measured event and has not failed: nothing more to wait for. */
    boolean hasAll() {
        return error.get() == null && measured() >= measureEvents;
    }

    /** Adds the latencies of the measured events received so far to {@code all}. */
    void addLatenciesTo(Histogram all) {
        if (measuring()) {
            measuredWindow.addLatenciesTo(all);
        }
    }

    /** Fails unless this subscriber ({@code index}) got each measured event exactly once within {@code waited}. */
    void check(int index, Duration waited) {
        Throwable failure = error.get();
        if (failure != null) {
            throw new IllegalStateException("subscriber " + index + " failed: " + failure, failure);
        }
        long received = measured();
        long duplicates = measuring() ? measuredWindow.duplicates.get() : 0;
        if (received != measureEvents || duplicates != 0) {
            throw new IllegalStateException("subscriber " + index + " received " + received + " of "
                    + measureEvents + " measured events (" + duplicates + " duplicates) within "
                    + waited.toSeconds() + " s of the last append");
        }
    }

    /**
     * The latencies of events {@code first} to {@code first + size - 1}, each kept in its own slot as whole
     * microseconds plus one (0: not received yet; 2^31 µs is 35 minutes, far beyond any run's drain timeout).
     * Others are passed over with one unsigned comparison, a branch the warm-up's window takes both ways.
     */
    private static final class Window {
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[].class);
        private static final long NANOS_PER_MICRO = 1_000;

        /** Set before the window is published through the listener's volatile field. */
        private long first;
        private final int[] microsPlusOne;
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();

        Window(long size) {
            this.microsPlusOne = new int[Math.toIntExact(size)];
        }

        void record(long sequence, long latencyNanos) {
            long n = sequence - first;
            if (Long.compareUnsigned(n, microsPlusOne.length) >= 0) {
                return; // before the window (negative: a huge unsigned number) or after it
            }
            int value = (int) Math.min(Integer.MAX_VALUE, latencyNanos / NANOS_PER_MICRO + 1);
            if (SLOT.compareAndSet(microsPlusOne, (int) n, 0, value)) {
                received.incrementAndGet();
            } else {
                duplicates.incrementAndGet();
            }
        }

        void addLatenciesTo(Histogram all) {
            for (int i = 0; i < microsPlusOne.length; i++) {
                int value = (int) SLOT.getVolatile(microsPlusOne, i);
                if (value != 0) {
                    all.recordValue((value - 1) * NANOS_PER_MICRO);
                }
            }
        }
    }
}
