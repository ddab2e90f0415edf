package io.strata.bench;

import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps up to {@code maxOutstanding} {@link EventStore#appendAsync} calls in flight: how the setup
 * phases write millions of events quickly, and how W6's writer keeps its rate while the store
 * group-commits. The first failure is kept and rethrown by the next call. Thread-safe.
 */
final class AsyncAppends {
    private final EventStore store;
    private final int maxOutstanding;
    private final Semaphore permits;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final LongAdder completedEvents = new LongAdder();

    AsyncAppends(EventStore store, int maxOutstanding) {
        this.store = store;
        this.maxOutstanding = maxOutstanding;
        this.permits = new Semaphore(maxOutstanding);
    }

    /** Sends one append, first waiting while {@code maxOutstanding} are in flight. */
    void submit(String stream, ExpectedRevision expected, List<EventData> events) throws InterruptedException {
        checkFailure();
        permits.acquire();
        int count = events.size();
        try {
            store.appendAsync(stream, expected, events).whenComplete((result, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, unwrap(error));
                } else {
                    completedEvents.add(count);
                }
                permits.release();
            });
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    /** Events whose appends have completed successfully so far. */
    long completedEvents() {
        return completedEvents.sum();
    }

    /** Waits until every append sent so far has completed; throws the first failure. */
    void awaitAll(Duration timeout) throws InterruptedException {
        if (!permits.tryAcquire(maxOutstanding, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("appends still outstanding after " + timeout.toSeconds() + " s: "
                    + (maxOutstanding - permits.availablePermits()));
        }
        permits.release(maxOutstanding);
        checkFailure();
    }

    private void checkFailure() {
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("an append failed: " + error, error);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
