package io.strata.eventsourcing.projection;

import io.strata.core.RecordedEvent;
import io.strata.core.SubscriptionListener;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Hands a subscription's events to the runner thread through a bounded queue.
 *
 * <p>Design note: the subscription calls its listener one event at a time, but a JDBC projection
 * wants several events per transaction. The queue gives the runner whatever has arrived since its
 * last batch (up to the batch size): one event per transaction when the log is quiet, full batches
 * when it is busy. When the queue is full the subscription's thread waits, so a slow projection
 * slows only its own reading (nothing piles up in memory).
 */
final class LiveFeed implements SubscriptionListener {
    /** Queued after the subscription's history: what follows is live. */
    static final Object CAUGHT_UP = new Object() {
        @Override
        public String toString() {
            return "caught up";
        }
    };
    /** Queued by {@link #wakeUp()} so a waiting runner notices a stop at once. */
    static final Object WAKE_UP = new Object() {
        @Override
        public String toString() {
            return "wake up";
        }
    };

    /** The subscription ended with this error. */
    record Failed(Throwable error) {
    }

    private final BlockingQueue<Object> queue;
    private final BooleanSupplier stopping;

    LiveFeed(int capacity, BooleanSupplier stopping) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.stopping = stopping;
    }

    BlockingQueue<Object> queue() {
        return queue;
    }

    @Override
    public void onEvent(RecordedEvent event) {
        put(event);
    }

    @Override
    public void onCaughtUp() {
        put(CAUGHT_UP);
    }

    @Override
    public void onError(Throwable error) {
        put(new Failed(error));
    }

    void wakeUp() {
        queue.offer(WAKE_UP); // a full queue wakes the runner anyway
    }

    /** Waits for room, but gives up once the runner stops: what it drops was not committed. */
    private void put(Object item) {
        try {
            while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                if (stopping.getAsBoolean()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
