package io.strata.client;

/** What to do with messages a consumer could not handle. */
public enum ConsumerNackAction {
    /**
     * Deliver again after the nack's delay; a message whose delivery was its maxDeliveries-th is parked
     * instead. Under per-stream ordering its stream waits for it.
     */
    RETRY,
    /** Park now: set aside for inspection and replay; it no longer blocks its stream. */
    PARK,
    /** Drop it, like an ack. */
    SKIP
}
