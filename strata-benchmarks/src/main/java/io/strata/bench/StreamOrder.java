package io.strata.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Checks W7's promise as the consumers see it: under per-stream ordering each stream's events come in
 * revision order, one at a time, so stream {@code w7-i} delivers revision 0, then 1, then 2, …. The only
 * repeat allowed is at-least-once delivery: the message just delivered, delivered again (delivery count
 * above 1) because its ack came too late. Anything else (a revision skipped, an older one again) is a
 * violation, and a run with one is invalid.
 *
 * <p>Thread-safe. The slots are atomic because a stream moves between consumer threads: the next event
 * of a stream may go to another consumer as soon as the previous one's ack reached the server.
 */
final class StreamOrder {
    private final String prefix;
    private final AtomicLongArray nextRevision;
    private final LongAdder repeats = new LongAdder();
    private final LongAdder violations = new LongAdder();
    private final AtomicReference<String> firstViolation = new AtomicReference<>();

    /** Streams {@code prefix + 0} to {@code prefix + (streams - 1)}, all starting at revision 0. */
    StreamOrder(String prefix, int streams) {
        this.prefix = prefix;
        this.nextRevision = new AtomicLongArray(streams);
    }

    /** Records one delivery of {@code stream}'s event at {@code revision}. */
    void delivered(String stream, long revision, int deliveryCount) {
        int index = index(stream);
        long expected = nextRevision.get(index);
        if (revision == expected) {
            nextRevision.set(index, expected + 1); // one in flight per stream: nobody else writes this slot now
        } else if (revision == expected - 1 && deliveryCount > 1) {
            repeats.increment();
        } else {
            violations.increment();
            firstViolation.compareAndSet(null, stream + "@" + revision + " (delivery " + deliveryCount
                    + ") arrived when revision " + expected + " was next");
        }
    }

    long repeats() {
        return repeats.sum();
    }

    long violations() {
        return violations.sum();
    }

    /** The first violation, described, or null. */
    String firstViolation() {
        return firstViolation.get();
    }

    private int index(String stream) {
        if (!stream.startsWith(prefix)) {
            throw new IllegalArgumentException("not a stream of this workload: " + stream);
        }
        return Integer.parseInt(stream, prefix.length(), stream.length(), 10);
    }
}
