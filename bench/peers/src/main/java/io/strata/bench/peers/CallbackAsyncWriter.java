package io.strata.bench.peers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link PeerLog.AsyncWriter} over a client that reports each send's outcome by callback (Kafka's
 * producer, JetStream's asynchronous publish): a permit per send in flight, at most {@code maxInFlight},
 * and the first failure, thrown by the next call. A subclass only starts a send and, from the callbacks,
 * calls {@link #failIf} with each outcome and {@link #settled} once the whole send has one.
 */
abstract class CallbackAsyncWriter implements PeerLog.AsyncWriter {
    private final int maxInFlight;
    private final Semaphore permits;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    CallbackAsyncWriter(int maxInFlight) {
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
    }

    /** Starts sending {@code events} to {@code stream}, without waiting for their acknowledgements. */
    abstract void start(String stream, List<byte[]> events);

    @Override
    public final void send(String stream, long firstRevision, List<byte[]> events) throws Exception {
        throwFailure();
        permits.acquire();
        start(stream, events);
    }

    /** Keeps {@code error}, when there is one, as the writer's failure unless an earlier one is kept. */
    final void failIf(Throwable error) {
        if (error != null) {
            failure.compareAndSet(null, error);
        }
    }

    /** A send has its outcome, acknowledged or failed: its permit is free again. */
    final void settled() {
        permits.release();
    }

    @Override
    public final void awaitAll(Duration timeout) throws Exception {
        if (!permits.tryAcquire(maxInFlight, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("sends still in flight after " + timeout.toSeconds() + " s");
        }
        permits.release(maxInFlight);
        throwFailure();
    }

    /** Nothing to release: the client belongs to the log, which closes it. */
    @Override
    public final void close() {
    }

    private void throwFailure() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a send failed: " + e, e);
        }
    }
}
