package io.strata.bench.peers;

import io.strata.bench.Payloads;
import io.strata.bench.WorkloadSizes;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * W6, live fan-out: 100 subscribers from the end of the log, one writer appending one event at a time
 * at a steady 10,000 events per second (open loop: each append is sent when due, without waiting for
 * the previous one). Each event carries the {@link System#nanoTime()} of its append; each subscriber
 * records now minus that on delivery. Every subscriber must receive every measured event exactly once,
 * or the run fails. The same method as Strata's W6.
 */
final class LiveFanOut implements PeerWorkload {
    private static final int MAX_IN_FLIGHT = 10_000;
    private static final int EVENTS_PER_STREAM = 1_000;

    @Override
    public PeerMeasurement run(PeerRun run) throws Exception {
        WorkloadSizes sizes = run.sizes();
        int rate = sizes.w6EventsPerSecond();
        long warmupEvents = Math.max(1, rate * sizes.w6Warmup().toMillis() / 1000);
        long measureEvents = Math.max(1, rate * sizes.w6Measure().toMillis() / 1000);
        long totalEvents = warmupEvents + measureEvents;
        long origin = System.nanoTime();

        run.say("setup: " + sizes.w6Subscribers() + " subscribers from the end of the log");
        List<Listener> listeners = new ArrayList<>();
        List<PeerLog.LiveSubscription> subscriptions = new ArrayList<>();
        try {
            for (int i = 0; i < sizes.w6Subscribers(); i++) {
                Listener listener = new Listener(origin, warmupEvents, measureEvents);
                listeners.add(listener);
                subscriptions.add(run.log().subscribeFromEnd(listener));
            }
            run.say("warm-up: " + warmupEvents + " events at " + rate + " events/s");
            long maxLagNanos = 0;
            long measureStart = 0;
            long measureEnd;
            try (PeerLog.AsyncWriter writer = run.log().asyncWriter(MAX_IN_FLIGHT)) {
                long start = System.nanoTime();
                for (long n = 0; n < totalEvents; n++) {
                    long due = start + n * 1_000_000_000L / rate; // on schedule, whatever the last one cost
                    long now = System.nanoTime();
                    while (now < due) {
                        LockSupport.parkNanos(due - now);
                        now = System.nanoTime();
                    }
                    if (n == warmupEvents) {
                        measureStart = now;
                        run.say("measuring: " + measureEvents + " events at " + rate + " events/s");
                    }
                    if (n >= warmupEvents) {
                        maxLagNanos = Math.max(maxLagNanos, now - due);
                    }
                    writer.send("w6-" + n / EVENTS_PER_STREAM, n % EVENTS_PER_STREAM,
                            List.of(Payloads.data(n, System.nanoTime() - origin)));
                }
                measureEnd = System.nanoTime();
                writer.awaitAll(sizes.w6DrainTimeout());
            }

            run.say("measuring: waiting for every subscriber to receive every event");
            long deadline = System.nanoTime() + sizes.w6DrainTimeout().toNanos();
            while (!allReceived(listeners, measureEvents) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Histogram latency = PeerMeasurement.newHistogram();
            for (int i = 0; i < listeners.size(); i++) {
                listeners.get(i).check(i, measureEvents);
                latency.add(listeners.get(i).histogram());
            }
            double seconds = (measureEnd - measureStart) / 1e9;
            if (measureEvents / seconds < 0.95 * rate) {
                run.say(String.format(Locale.ROOT, "measuring: the writer fell behind: %.0f events/s of %d (max lag %.1f ms)",
                        measureEvents / seconds, rate, maxLagNanos / 1e6));
            }
            Map<String, Object> extras = new LinkedHashMap<>();
            extras.put("subscribers", sizes.w6Subscribers());
            extras.put("targetEventsPerSecond", rate);
            extras.put("deliveries", latency.getTotalCount());
            extras.put("latencyOf", "append to delivery, per subscriber");
            extras.put("maxWriterLagMs", maxLagNanos / 1e6);
            extras.put("warmupSeconds", sizes.w6Warmup().toMillis() / 1000.0);
            extras.putAll(run.target().workloadFacts(run.workload()));
            return new PeerMeasurement(1, measureEvents, seconds, latency, extras);
        } finally {
            closeAll(subscriptions);
        }
    }

    /**
     * Closes the subscriptions all at once: closing a KafkaConsumer waits for the broker to end its fetch
     * session (~0.3 s each on this machine), which one after the other took half a minute for 100.
     */
    private static void closeAll(List<PeerLog.LiveSubscription> subscriptions) throws Exception {
        List<Future<?>> closing = new ArrayList<>();
        try (ExecutorService closer = Executors.newVirtualThreadPerTaskExecutor()) {
            for (PeerLog.LiveSubscription subscription : subscriptions) {
                closing.add(closer.submit(() -> {
                    subscription.close();
                    return null;
                }));
            }
        }
        for (Future<?> closed : closing) {
            closed.get(); // rethrows the first failure to close
        }
    }

    private static boolean allReceived(List<Listener> listeners, long measureEvents) {
        for (Listener listener : listeners) {
            if (listener.error.get() != null || listener.measured.get() < measureEvents) {
                return false;
            }
        }
        return true;
    }

    /** One subscriber: records append-to-delivery latency of the measured events and which it saw. Thread-safe. */
    private static final class Listener implements Consumer<byte[]> {
        private final long origin;
        private final long firstMeasured;
        private final long measureEvents;
        private final Histogram histogram = PeerMeasurement.newHistogram(); // guarded by this
        private final BitSet seen = new BitSet(); // guarded by this
        private final AtomicLong measured = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();
        private final AtomicReference<Throwable> error = new AtomicReference<>();

        Listener(long origin, long firstMeasured, long measureEvents) {
            this.origin = origin;
            this.firstMeasured = firstMeasured;
            this.measureEvents = measureEvents;
        }

        @Override
        public void accept(byte[] data) {
            long now = System.nanoTime();
            try {
                long n = Payloads.sequence(data) - firstMeasured;
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
                error.compareAndSet(null, e);
            }
        }

        synchronized Histogram histogram() {
            return histogram.copy();
        }

        /** Fails unless this subscriber got each of the {@code expected} measured events exactly once. */
        void check(int index, long expected) {
            Throwable failure = error.get();
            if (failure != null) {
                throw new IllegalStateException("subscriber " + index + " failed: " + failure, failure);
            }
            if (measured.get() != expected || duplicates.get() != 0) {
                throw new IllegalStateException("subscriber " + index + " received " + measured.get() + " of "
                        + expected + " measured events (" + duplicates.get() + " duplicates)");
            }
        }
    }
}
