package io.strata.core;

/**
 * Receives a subscription's events, in order, on one thread at a time.
 *
 * <p>History comes first, then {@link #onCaughtUp()} exactly once, then live events as they become
 * durable, with no gap and no duplicate at the switch. A listener that throws ends its
 * subscription, and {@link #onError} is called with what it threw.
 */
public interface SubscriptionListener {
    void onEvent(RecordedEvent event);

    /** History is exhausted; what follows is live. Called once. */
    default void onCaughtUp() {
    }

    /** The subscription ended because of {@code error}; no more calls follow. */
    default void onError(Throwable error) {
    }
}
