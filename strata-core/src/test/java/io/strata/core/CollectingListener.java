package io.strata.core;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A {@link SubscriptionListener} for tests: records every call, and every breach of the listener
 * protocol it can see (overlapping calls, calls after {@code onError}, a second {@code onCaughtUp}).
 *
 * <p>This class is thread-safe.
 */
public final class CollectingListener implements SubscriptionListener {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<RecordedEvent> events = new ArrayList<>();
    private final AtomicInteger caughtUpCalls = new AtomicInteger();
    private final AtomicInteger inCall = new AtomicInteger();
    private final List<String> violations = new ArrayList<>();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final Consumer<RecordedEvent> onEach;
    private volatile int caughtUpAt = -1;

    public CollectingListener() {
        this(e -> {
        });
    }

    /** A listener that also runs {@code onEach} for every event, after recording it (it may throw). */
    public CollectingListener(Consumer<RecordedEvent> onEach) {
        this.onEach = onEach;
    }

    @Override
    public void onEvent(RecordedEvent event) {
        enter("onEvent(" + event + ")");
        try {
            synchronized (this) {
                events.add(event);
            }
            onEach.accept(event);
        } finally {
            inCall.decrementAndGet();
        }
    }

    @Override
    public void onCaughtUp() {
        enter("onCaughtUp");
        try {
            synchronized (this) {
                caughtUpAt = events.size();
            }
            if (caughtUpCalls.incrementAndGet() > 1) {
                violation("onCaughtUp called " + caughtUpCalls.get() + " times");
            }
        } finally {
            inCall.decrementAndGet();
        }
    }

    @Override
    public void onError(Throwable t) {
        enter("onError(" + t + ")");
        try {
            if (!error.compareAndSet(null, t)) {
                violation("onError called twice: " + error.get() + ", then " + t);
            }
        } finally {
            inCall.decrementAndGet();
        }
    }

    private void enter(String call) {
        if (inCall.incrementAndGet() != 1) {
            violation(call + " overlapped another listener call");
        }
        if (error.get() != null) {
            violation(call + " after onError(" + error.get() + ")");
        }
    }

    private synchronized void violation(String what) {
        violations.add(what);
    }

    public synchronized List<RecordedEvent> events() {
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }

    public int caughtUpCalls() {
        return caughtUpCalls.get();
    }

    /** How many events had arrived when {@code onCaughtUp} was called; -1 before. */
    public int caughtUpAt() {
        return caughtUpAt;
    }

    public Throwable error() {
        return error.get();
    }

    /** Breaches of the listener protocol seen so far; empty when all is well. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    public CollectingListener awaitCaughtUp() {
        poll("onCaughtUp").atMost(TIMEOUT).until(() -> caughtUpCalls.get() > 0 || error.get() != null);
        if (caughtUpCalls.get() == 0) {
            throw new AssertionError("subscription ended before catching up", error.get());
        }
        return this;
    }

    public CollectingListener awaitEvents(int count) {
        poll("at least " + count + " events").atMost(TIMEOUT).until(() -> size() >= count || error.get() != null);
        if (size() < count) {
            throw new AssertionError("subscription ended after " + size() + " of " + count + " events", error.get());
        }
        return this;
    }

    public CollectingListener awaitError() {
        poll("onError").atMost(TIMEOUT).until(() -> error.get() != null);
        return this;
    }

    public List<Long> revisions() {
        return events().stream().map(RecordedEvent::revision).toList();
    }

    public List<Long> positions() {
        return events().stream().map(e -> e.position().value()).toList();
    }

    public List<java.util.UUID> ids() {
        return events().stream().map(RecordedEvent::id).toList();
    }

    /** Awaitility's default first poll is after 100 ms; subscriptions usually answer in microseconds. */
    private static org.awaitility.core.ConditionFactory poll(String alias) {
        return await(alias).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
    }

    @Override
    public String toString() {
        return "CollectingListener[" + size() + " events, caughtUp " + caughtUpCalls() + "x at " + caughtUpAt
                + ", error " + error.get() + ", violations " + violations() + "]";
    }
}
