package io.strata.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * What the consumers of one W7 group did: deliveries (with their order checked), acks the server
 * confirmed, latencies, and the first failure. One per group; every consumer thread writes into it.
 * Thread-safe.
 */
final class GroupPass {
    private final StreamOrder order;
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder confirmedAcks = new LongAdder();
    private final LongAdder unknownAcks = new LongAdder();
    private final List<Histogram> histograms = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    GroupPass(String streamPrefix, int streams) {
        this.order = new StreamOrder(streamPrefix, streams);
    }

    /** A consumer got this event (before it acks it). */
    void delivered(String stream, long revision, int deliveryCount) {
        order.delivered(stream, revision, deliveryCount);
        deliveries.increment();
    }

    /** The server answered an ack of {@code sent} ids with {@code acked} accepted (the rest were too late). */
    void ackAnswered(int sent, int acked) {
        confirmedAcks.add(acked);
        unknownAcks.add(sent - acked);
    }

    /** A histogram of one consumer thread's latencies, merged by {@link #latencyNanos()}. */
    synchronized Histogram newConsumerHistogram() {
        Histogram histogram = Measurement.newHistogram();
        histograms.add(histogram);
        return histogram;
    }

    /** Every consumer's latencies together; call once the consumers have stopped. Empty when none were recorded. */
    synchronized Histogram latencyNanos() {
        Histogram all = Measurement.newHistogram();
        histograms.forEach(all::add);
        return all;
    }

    void fail(Throwable error) {
        failure.compareAndSet(null, error);
    }

    /** Throws the first failure of a consumer, if any. */
    void throwIfFailed() {
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("a consumer failed: " + error, error);
        }
    }

    /** Throws when a stream's events came out of order: such a run measured something else. */
    void throwIfOutOfOrder() {
        if (order.violations() > 0) {
            throw new IllegalStateException(order.violations() + " deliveries broke per-stream order; the first: "
                    + order.firstViolation());
        }
    }

    long deliveries() {
        return deliveries.sum();
    }

    long confirmedAcks() {
        return confirmedAcks.sum();
    }

    long unknownAcks() {
        return unknownAcks.sum();
    }

    long repeats() {
        return order.repeats();
    }

    long orderViolations() {
        return order.violations();
    }
}
