package io.strata.client;

/**
 * What a {@link GroupConsumer} did since it started.
 *
 * @param handled    messages the handler returned from (each then acked)
 * @param failed     handler calls that threw (each message then nacked for a retry)
 * @param expired    messages not started because they waited longer than the group's ack timeout
 * @param reconnects streams reopened after the previous one broke
 */
public record ConsumerStats(long handled, long failed, long expired, int reconnects) {
}
