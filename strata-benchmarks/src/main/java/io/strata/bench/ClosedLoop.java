package io.strata.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * N clients, each a thread doing one synchronous operation after another (closed loop): a warm-up
 * for a time, then a measured phase for a time or a count, whichever ends first. W2 and W3 run on it,
 * here and in the peers' harness ({@code bench/peers}), so that their figures compare.
 *
 * <p>Only operations that start inside the measured phase are recorded. The measured time runs from
 * the phase's start until every client has finished its last operation, so it covers every recorded
 * operation. The first failure of any client stops all of them and is rethrown.
 */
@SuppressWarnings("try") // progress tickers are try-with-resources for their close only
public final class ClosedLoop {
    /** One client's next operation; returns how many events it wrote. Called by one thread only. */
    public interface Client extends AutoCloseable {
        /** Builds the next operation's events; not timed. */
        default void prepare() {
        }

        /** Performs the operation built by {@link #prepare()}; timed. */
        int next() throws Exception;

        /** Releases what the client holds (a connection, say), on its thread, after its last operation. */
        @Override
        default void close() {
        }
    }

    /**
     * What the measured phase did: operations and events recorded, its length, and each operation's
     * latency; and how long the warm-up before it lasted.
     */
    public record Result(long operations, long events, double seconds, Histogram latencyNanos, double warmupSeconds) {
    }

    private static final int WARMING = 0;
    private static final int MEASURING = 1;
    private static final int STOPPING = 2;

    private final String workload;
    private final Consumer<String> say;
    private final Duration progressInterval;
    private final boolean waitForJit;

    /**
     * A closed loop for {@code workload} (its clients' threads are named after it) that prints its
     * phases with {@code say} and its counts every {@code progressInterval}; its warm-up goes on until
     * the JIT is nearly idle when {@code waitForJit} ({@link JitWarmUp}).
     */
    public ClosedLoop(String workload, Consumer<String> say, Duration progressInterval, boolean waitForJit) {
        this.workload = workload;
        this.say = say;
        this.progressInterval = progressInterval;
        this.waitForJit = waitForJit;
    }

    /** {@link #run(int, IntFunction, Duration, Duration, long)} for a workload of this driver. */
    static Result run(RunContext context, int clients, IntFunction<? extends Client> clientFactory, Duration warmup,
                      Duration measure, long maxOperations) throws Exception {
        return new ClosedLoop(context.workload(), context::say, context.sizes().progressInterval(),
                context.sizes().waitForJit()).run(clients, clientFactory, warmup, measure, maxOperations);
    }

    /**
     * Runs {@code clients} clients made by {@code clientFactory} (given 0 to clients - 1): a warm-up of
     * at least {@code warmup}, then a measured phase of {@code measure} or {@code maxOperations} operations,
     * whichever ends first. Closes each client when it stops.
     */
    public Result run(int clients, IntFunction<? extends Client> clientFactory, Duration warmup, Duration measure,
                      long maxOperations) throws Exception {
        AtomicInteger phase = new AtomicInteger(WARMING);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LongAdder warmupOps = new LongAdder();
        LongAdder measuredOps = new LongAdder();
        LongAdder measuredEvents = new LongAdder();
        Histogram[] histograms = new Histogram[clients];
        List<Thread> threads = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            Client client = clientFactory.apply(c);
            Histogram histogram = Measurement.newHistogram();
            histograms[c] = histogram;
            threads.add((virtualClients() ? Thread.ofVirtual() : Thread.ofPlatform()).name(workload + "-client-" + c).unstarted(() -> {
                try (client) {
                    while (true) {
                        int p = phase.get();
                        if (p == STOPPING) {
                            return;
                        }
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

        say.accept("warm-up: " + clients + " clients for " + seconds(warmup) + (waitForJit ? " or more, until the JIT is idle" : ""));
        JitWarmUp warmUp = new JitWarmUp(warmup, waitForJit);
        threads.forEach(Thread::start);
        try (Ticker ignored = ticker(() -> "warm-up: " + warmupOps.sum() + " appends")) {
            while (failure.get() == null && !warmUp.isOver(System.nanoTime())) {
                Thread.sleep(10);
            }
        }

        say.accept("measuring: " + clients + " clients for " + seconds(measure)
                + (maxOperations == Long.MAX_VALUE ? "" : " or " + maxOperations + " appends"));
        long start = System.nanoTime();
        phase.compareAndSet(WARMING, MEASURING);
        long end = start + measure.toNanos();
        try (Ticker ignored = ticker(() -> "measuring: " + measuredOps.sum() + " appends, "
                + measuredEvents.sum() + " events, " + seconds(Duration.ofNanos(System.nanoTime() - start)))) {
            while (failure.get() == null && System.nanoTime() < end && measuredOps.sum() < maxOperations) {
                Thread.sleep(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
            }
        }
        phase.set(STOPPING);
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("a client failed: " + error, error);
        }
        Histogram all = Measurement.newHistogram();
        for (Histogram histogram : histograms) {
            all.add(histogram);
        }
        return new Result(measuredOps.sum(), measuredEvents.sum(), seconds, all, warmUp.seconds());
    }

    private Ticker ticker(Supplier<String> report) {
        return Ticker.start(progressInterval, () -> say.accept(report.get()));
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /**
     * Whether clients are virtual threads: yes unless {@code -Dstrata.bench.clientThreads=platform}
     * (ADR 0006). A Java service holding 64 blocking calls at once runs them on virtual threads; on
     * 2 cores, waking 64 parked platform threads costs more than the store's own work (W2 embedded,
     * same build and minutes: 76 K/s platform, 114-138 K/s virtual). Every result line says which.
     */
    static boolean virtualClients() {
        return !"platform".equals(System.getProperty("strata.bench.clientThreads", "virtual"));
    }
}
