package io.strata.server.grpc;

import io.strata.server.ServerConfig;
import java.time.Duration;

/**
 * The bounds that keep one gRPC client from growing the server's memory, from {@link ServerConfig}.
 *
 * @param maxMessageBytes        the largest request message (the HTTP body limit, 16 MiB by default); a
 *                               larger one is refused by the transport with {@code RESOURCE_EXHAUSTED}
 *                               before it is read into memory
 * @param appendsInFlight        appends one {@code AppendStream} call may have read and not yet answered
 * @param appendBytesInFlight    request bytes one {@code AppendStream} call may hold (one more message may
 *                               arrive over it): the message limit, so one call holds at most two
 * @param subscriberBufferEvents events buffered per subscription (also capped at 4 MiB)
 * @param subscriberStallTimeout how long a subscription's buffer may stay full before the call is ended
 * @param maxPageEvents          the most events in one read page (the HTTP API's limit)
 * @param pageBytes              the most serialized event bytes in one read page
 */
record GrpcLimits(int maxMessageBytes, int appendsInFlight, long appendBytesInFlight, int subscriberBufferEvents,
                  Duration subscriberStallTimeout, int maxPageEvents, int pageBytes) {

    static GrpcLimits of(ServerConfig config, int maxPageEvents) {
        int maxMessageBytes = (int) Math.min(config.maxRequestBytes(), Integer.MAX_VALUE);
        return new GrpcLimits(maxMessageBytes, config.grpcAppendsInFlight(), maxMessageBytes,
                config.grpcSubscriberBufferEvents(), config.grpcSubscriberStallTimeout(), maxPageEvents,
                PageReader.PAGE_BYTES);
    }
}
