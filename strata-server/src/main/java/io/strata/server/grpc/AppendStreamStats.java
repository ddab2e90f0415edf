package io.strata.server.grpc;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/** What the {@code AppendStream} calls of one endpoint did, for tests that check its bounds. Thread-safe. */
final class AppendStreamStats {
    private final AtomicLong requestsRead = new AtomicLong();
    private final LongAccumulator mostInFlight = new LongAccumulator(Math::max, 0);
    private final LongAccumulator mostAskedAtOnce = new LongAccumulator(Math::max, 0);

    void read(int inFlightNow) {
        requestsRead.incrementAndGet();
        mostInFlight.accumulate(inFlightNow);
    }

    /** A call asked gRPC for {@code messages} more request messages at once. */
    void asked(int messages) {
        mostAskedAtOnce.accumulate(messages);
    }

    /** The most request messages one call asked gRPC for at once. */
    long mostAskedAtOnce() {
        return mostAskedAtOnce.get();
    }

    /** Append requests read from all calls so far. */
    long requestsRead() {
        return requestsRead.get();
    }

    /** The most appends one call had in flight (read, not yet answered) at any time. */
    long mostInFlight() {
        return mostInFlight.get();
    }
}
