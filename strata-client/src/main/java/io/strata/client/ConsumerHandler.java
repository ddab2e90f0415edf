package io.strata.client;

import io.strata.core.RecordedEvent;

/**
 * What a {@link GroupConsumer} does with each event. Returning normally acks the message; throwing
 * nacks it for a retry after a backoff delay (until the group's maxDeliveries parks it).
 *
 * <p>Handlers run concurrently (up to the consumer's concurrency), but never two of one stream at a
 * time under per-stream ordering: the server has one message per stream in flight.
 */
@FunctionalInterface
public interface ConsumerHandler {
    void handle(RecordedEvent event) throws Exception;
}
