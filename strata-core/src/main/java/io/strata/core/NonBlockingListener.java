package io.strata.core;

/**
 * A {@link SubscriptionListener} that can take a live event at once, without blocking and without slow
 * work. An embedded store hands such listeners their live events from one thread it shares between
 * them, so that a commit wakes that one thread rather than every subscription's own.
 *
 * <p>The store calls {@link #offer} only for live events, after {@link #onCaughtUp()}, in order, and
 * never at the same time as another call to this listener. A listener that cannot take an event at once
 * (a full buffer, say) returns {@code false}: that event, and those after it, then come through
 * {@link #onEvent} on the subscription's own thread, which may wait, until the subscription is live again.
 * The promises of {@link SubscriptionListener} hold across both paths: no gap, no duplicate, in order.
 *
 * <p>Why: with 100 live subscribers (W6), waking each subscription's thread for every commit was most of
 * the embedded engine's CPU (docs/adr/0013).
 */
public interface NonBlockingListener extends SubscriptionListener {
    /**
     * Takes a live event if it can without waiting; returns {@code false} to have it delivered through
     * {@link #onEvent} instead. Called from the store's shared delivery thread: it must not block. A
     * listener that throws ends its subscription, as from {@code onEvent}.
     */
    boolean offer(RecordedEvent event);
}
