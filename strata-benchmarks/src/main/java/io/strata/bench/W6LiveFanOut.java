package io.strata.bench;

import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * W6, live fan-out: 100 subscribers on {@code $all} from its end, one writer appending one event at
 * a time at a steady 10,000 events per second (open loop: each append is sent when due, without
 * waiting for the previous one, so the store group-commits them). Each event carries the
 * {@link System#nanoTime()} of its append; each subscriber records now minus that on delivery.
 * Every subscriber must receive every measured event exactly once, or the run fails.
 */
@SuppressWarnings("try") // progress tickers are try-with-resources for their close only
final class W6LiveFanOut implements Workload {
    private static final int MAX_OUTSTANDING_APPENDS = 10_000;
    private static final int EVENTS_PER_STREAM = 1_000;

    @Override
    public Measurement run(RunContext context) throws Exception {
        WorkloadSizes sizes = context.sizes();
        int rate = sizes.w6EventsPerSecond();
        long warmupEvents = Math.max(1, rate * sizes.w6Warmup().toMillis() / 1000);
        long measureEvents = Math.max(1, rate * sizes.w6Measure().toMillis() / 1000);
        long totalEvents = warmupEvents + measureEvents;
        long origin = System.nanoTime();

        context.say("setup: opening the store (durability " + context.durability().wireName() + "), "
                + sizes.w6Subscribers() + " subscribers from the end of $all");
        try (EventStore store = context.openStore(context.durability())) {
            List<Listener> listeners = new ArrayList<>();
            List<Subscription> subscriptions = new ArrayList<>();
            CountDownLatch caughtUp = new CountDownLatch(sizes.w6Subscribers());
            try {
                for (int i = 0; i < sizes.w6Subscribers(); i++) {
                    Listener listener = new Listener(origin, warmupEvents, measureEvents, caughtUp);
                    listeners.add(listener);
                    subscriptions.add(store.subscribeToAll(ReadAllOptions.END, EventFilter.ALL, listener));
                }
                if (!caughtUp.await(10, TimeUnit.SECONDS)) {
                    context.say("setup: " + caughtUp.getCount() + " subscriptions did not report caught-up within 10 s; going on");
                }

                context.say("warm-up: " + warmupEvents + " events at " + rate + " events/s");
                AsyncAppends appends = new AsyncAppends(store, MAX_OUTSTANDING_APPENDS);
                AtomicLong sent = new AtomicLong();
                long maxLagNanos = 0;
                long measureStart = 0;
                long start = System.nanoTime();
                try (Ticker ignored = context.ticker(() -> "writing: " + sent.get() + " of " + totalEvents
                        + " events sent, " + delivered(listeners) + " measured deliveries")) {
                    for (long n = 0; n < totalEvents; n++) {
                        long due = start + n * 1_000_000_000L / rate; // on schedule, whatever the last one cost
                        long now = System.nanoTime();
                        while (now < due) {
                            LockSupport.parkNanos(due - now);
                            now = System.nanoTime();
                        }
                        if (n == warmupEvents) {
                            measureStart = now;
                            context.say("measuring: " + measureEvents + " events at " + rate + " events/s");
                        }
                        if (n >= warmupEvents) {
                            maxLagNanos = Math.max(maxLagNanos, now - due);
                        }
                        EventData event = EventData.json(Payloads.TYPE, Payloads.data(n, System.nanoTime() - origin));
                        appends.submit("w6-" + n / EVENTS_PER_STREAM, ExpectedRevision.ANY, List.of(event));
                        sent.lazySet(n + 1);
                    }
                }
                long measureEnd = System.nanoTime();
                appends.awaitAll(sizes.w6DrainTimeout());

                context.say("measuring: waiting for every subscriber to receive every event");
                long deadline = System.nanoTime() + sizes.w6DrainTimeout().toNanos();
                while (!allReceived(listeners, measureEvents) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Histogram latency = Measurement.newHistogram();
                for (int i = 0; i < listeners.size(); i++) {
                    Listener listener = listeners.get(i);
                    listener.check(i, measureEvents, sizes.w6DrainTimeout());
                    synchronized (listener) {
                        latency.add(listener.histogram);
                    }
                }
                double seconds = (measureEnd - measureStart) / 1e9;
                if (measureEvents / seconds < 0.95 * rate) {
                    context.say(String.format(java.util.Locale.ROOT,
                            "measuring: the writer fell behind: %.0f events/s of %d (max lag %.1f ms)",
                            measureEvents / seconds, rate, maxLagNanos / 1e6));
                }
                Map<String, Object> extras = new LinkedHashMap<>();
                extras.put("subscribers", sizes.w6Subscribers());
                extras.put("targetEventsPerSecond", rate);
                extras.put("deliveries", latency.getTotalCount());
                extras.put("latencyOf", "append to delivery, per subscriber");
                extras.put("maxWriterLagMs", maxLagNanos / 1e6);
                extras.put("warmupSeconds", sizes.w6Warmup().toMillis() / 1000.0);
                return new Measurement(1, measureEvents, seconds, latency, extras);
            } finally {
                for (Subscription subscription : subscriptions) {
                    subscription.close();
                }
            }
        }
    }

    private static long delivered(List<Listener> listeners) {
        long sum = 0;
        for (Listener listener : listeners) {
            sum += listener.measured.get();
        }
        return sum;
    }

    private static boolean allReceived(List<Listener> listeners, long measureEvents) {
        for (Listener listener : listeners) {
            if (listener.error.get() != null || listener.measured.get() < measureEvents) {
                return false;
            }
        }
        return true;
    }

    /** One subscriber: records append-to-delivery latency of the measured events and which it saw. */
    private static final class Listener implements SubscriptionListener {
        private final long origin;
        private final long firstMeasured;
        private final long measureEvents;
        private final CountDownLatch caughtUp;
        private final Histogram histogram = Measurement.newHistogram(); // guarded by this
        private final BitSet seen = new BitSet(); // guarded by this
        private final AtomicLong measured = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();
        private final AtomicReference<Throwable> error = new AtomicReference<>();

        Listener(long origin, long firstMeasured, long measureEvents, CountDownLatch caughtUp) {
            this.origin = origin;
            this.firstMeasured = firstMeasured;
            this.measureEvents = measureEvents;
            this.caughtUp = caughtUp;
        }

        @Override
        public void onEvent(RecordedEvent event) {
            long now = System.nanoTime();
            if (!Payloads.TYPE.equals(event.type())) {
                return;
            }
            byte[] data = event.data();
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
        }

        @Override
        public void onCaughtUp() {
            caughtUp.countDown();
        }

        @Override
        public void onError(Throwable error) {
            this.error.compareAndSet(null, error);
        }

        /** Fails unless this subscriber got each of the {@code expected} measured events exactly once. */
        void check(int index, long expected, Duration waited) {
            Throwable failure = error.get();
            if (failure != null) {
                throw new IllegalStateException("subscriber " + index + " failed: " + failure, failure);
            }
            if (measured.get() != expected || duplicates.get() != 0) {
                throw new IllegalStateException("subscriber " + index + " received " + measured.get() + " of "
                        + expected + " measured events (" + duplicates.get() + " duplicates) within "
                        + waited.toSeconds() + " s of the last append");
            }
        }
    }
}
