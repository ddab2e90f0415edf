package io.strata.server.groups;

/**
 * The answer to a nack.
 *
 * @param nacked  ackIds whose message got the requested action
 * @param unknown ackIds that were ignored, for the same reasons as {@link AckResult#unknown()}
 */
public record NackResult(int nacked, int unknown) {
}
