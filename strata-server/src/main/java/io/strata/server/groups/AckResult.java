package io.strata.server.groups;

/**
 * The answer to an ack.
 *
 * @param acked   ackIds that finished their message
 * @param unknown ackIds that were ignored: malformed, never issued, already acked or nacked, or
 *                expired (their ack timeout passed, so the message is, or will be, delivered again)
 */
public record AckResult(int acked, int unknown) {
}
