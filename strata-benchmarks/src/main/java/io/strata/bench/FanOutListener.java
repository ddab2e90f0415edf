package io.strata.bench;

import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * One W6 subscriber ({@link FanOutRun#newListener()}): given the data of each event delivered to it, a
 * {@link Payloads} document with the event's sequence number and append time, it records the
 * append-to-delivery latency of the measured events and which of them it received, so that the run can
 * fail unless it got every one exactly once. Deliveries may come on any thread.
 */
public final class FanOutListener implements Consumer<byte[]> {
    private final long origin;
    private final LongSupplier firstMeasured;
    private final long measureEvents;
    private final Histogram histogram = Measurement.newHistogram(); // guarded by this
    private final BitSet seen = new BitSet(); // guarded by this
    private final AtomicLong measured = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicReference<Throwable> error = new AtomicReference<>();

    /**
     * Measures events {@code first} to {@code first + measureEvents - 1}, {@code first} being what
     * {@code firstMeasured} says when the event arrives (Long.MAX_VALUE while warming up: the run sets it
     * before it sends that event); times are nanos since {@code origin}.
     */
    FanOutListener(long origin, LongSupplier firstMeasured, long measureEvents) {
        this.origin = origin;
        this.firstMeasured = firstMeasured;
        this.measureEvents = measureEvents;
    }

    /**
     * One delivery, now. Data that is not a benchmark payload fails this subscriber, as a failed
     * subscription does, rather than the delivering thread, which belongs to the client under test.
     */
    @Override
    public void accept(byte[] data) {
        long now = System.nanoTime();
        try {
            long n = Payloads.sequence(data) - firstMeasured.getAsLong();
            if (n < 0 || n >= measureEvents) {
                return;
            }
            long latency = Math.max(0, now - origin - Payloads.nanos(data));
            synchronized (this) {
                if (seen.get((int) n)) {
                    duplicates.incrementAndGet();
                    return;
                }
                seen.set((int) n);
                histogram.recordValue(latency);
            }
            measured.incrementAndGet();
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
        return measured.get();
    }

    /** Whether it has every measured event and has not failed: nothing more to wait for. */
    boolean hasAll() {
        return error.get() == null && measured.get() >= measureEvents;
    }

    synchronized void addLatenciesTo(Histogram all) {
        all.add(histogram);
    }

    /** Fails unless this subscriber ({@code index}) got each measured event exactly once within {@code waited}. */
    void check(int index, Duration waited) {
        Throwable failure = error.get();
        if (failure != null) {
            throw new IllegalStateException("subscriber " + index + " failed: " + failure, failure);
        }
        if (measured.get() != measureEvents || duplicates.get() != 0) {
            throw new IllegalStateException("subscriber " + index + " received " + measured.get() + " of "
                    + measureEvents + " measured events (" + duplicates.get() + " duplicates) within "
                    + waited.toSeconds() + " s of the last append");
        }
    }
}
