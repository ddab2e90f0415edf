package io.strata.bench.peers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * N clients, each a platform thread doing one synchronous operation after another (closed loop): a
 * warm-up for a time, then a measured phase for a time. The same method as the Strata driver's
 * {@code ClosedLoop}, so that W2 and W3 compare: only operations that start inside the measured phase
 * are recorded, and the measured time runs until every client has finished its last one. The first
 * failure of any client stops all of them and is rethrown.
 */
final class ClosedLoopClients {
    /** One client's next operation; returns how many events it wrote. Called by one thread only. */
    interface Client extends AutoCloseable {
        /** Builds the next operation's events; not timed. */
        void prepare();

        /** Performs the operation built by {@link #prepare()}; timed. */
        int next() throws Exception;

        @Override
        default void close() {
        }
    }

    record Result(long operations, long events, double seconds, Histogram latencyNanos) {
    }

    private static final int WARMING = 0;
    private static final int MEASURING = 1;
    private static final int STOPPING = 2;

    private ClosedLoopClients() {
    }

    static Result run(PeerRun run, int clients, IntFunction<Client> clientFactory, Duration warmup, Duration measure)
            throws Exception {
        AtomicInteger phase = new AtomicInteger(WARMING);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LongAdder warmupOps = new LongAdder();
        LongAdder measuredOps = new LongAdder();
        LongAdder measuredEvents = new LongAdder();
        Histogram[] histograms = new Histogram[clients];
        List<Thread> threads = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            Client client = clientFactory.apply(c);
            Histogram histogram = PeerMeasurement.newHistogram();
            histograms[c] = histogram;
            threads.add(Thread.ofPlatform().name(run.workload() + "-client-" + c).unstarted(() -> {
                try (client) {
                    while (phase.get() != STOPPING) {
                        int p = phase.get();
                        client.prepare();
                        long start = System.nanoTime();
                        int events = client.next();
                        long took = System.nanoTime() - start;
                        if (p == MEASURING) {
                            histogram.recordValue(took);
                            measuredOps.increment();
                            measuredEvents.add(events);
                        } else {
                            warmupOps.increment();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    phase.set(STOPPING);
                }
            }));
        }

        run.say("warm-up: " + clients + " clients for " + seconds(warmup));
        threads.forEach(Thread::start);
        sleepUnlessFailed(warmup, failure);
        run.say("measuring: " + clients + " clients for " + seconds(measure) + " (" + warmupOps.sum()
                + " appends in the warm-up)");
        long start = System.nanoTime();
        phase.compareAndSet(WARMING, MEASURING);
        sleepUnlessFailed(measure, failure);
        phase.set(STOPPING);
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("a client failed: " + error, error);
        }
        Histogram all = PeerMeasurement.newHistogram();
        for (Histogram histogram : histograms) {
            all.add(histogram);
        }
        return new Result(measuredOps.sum(), measuredEvents.sum(), seconds, all);
    }

    private static void sleepUnlessFailed(Duration duration, AtomicReference<Throwable> failure) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        while (failure.get() == null && System.nanoTime() < end) {
            Thread.sleep(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
