package io.strata.client;

/**
 * The answer to an ack or a nack.
 *
 * @param done    ackIds that took effect
 * @param unknown ackIds the server ignored: malformed, already acked or nacked, expired (their ack
 *                timeout passed, so the message is or will be delivered again), or issued before a restart
 */
public record ConsumerAckResult(int done, int unknown) {
}
