package io.strata.client;

/**
 * A {@link ConsumerHandler} that also sees the delivery: its {@code deliveryCount}, to treat a retry
 * differently from a first attempt. Same rules: returning acks, throwing nacks for a retry.
 */
@FunctionalInterface
public interface ConsumerMessageHandler {
    void handle(ConsumerMessage message) throws Exception;
}
