package io.strata.client;

import io.strata.core.EventFilter;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import java.time.Duration;
import java.util.Objects;

/**
 * What a consumer group is, fixed when it is created: its source, where it starts, its ordering, how
 * often a message is delivered before it is parked and how long a delivery waits for its ack. Two
 * groups with equal settings are the same group for {@link ConsumerGroupClient#create} (idempotent).
 *
 * <pre>{@code
 * ConsumerGroupSettings.of(Source.stream("order-42"));                       // from the end, per-stream
 * ConsumerGroupSettings.of(Source.all(EventFilter.category("order")))
 *         .withStart(Start.START).withMaxDeliveries(3).withAckTimeout(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>The server checks the limits (maxDeliveries 1 to 1,000, ackTimeout 10 ms to 24 h) and answers
 * {@code invalid_request} for others.
 *
 * @param source        one stream, or the global log through a filter
 * @param start         where the group starts; default {@link Start#END}, like live subscriptions
 * @param ordering      default {@link Ordering#PER_STREAM}
 * @param maxDeliveries deliveries of one message before a failure parks it; default 5
 * @param ackTimeout    how long a delivery waits for its ack before the message goes to another
 *                      consumer; default 30 s
 */
public record ConsumerGroupSettings(Source source, Start start, Ordering ordering, int maxDeliveries, Duration ackTimeout) {
    public static final int DEFAULT_MAX_DELIVERIES = 5;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);

    public ConsumerGroupSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(ordering, "ordering");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        if (maxDeliveries < 1) {
            throw new InvalidRequestException("maxDeliveries must be at least 1, got " + maxDeliveries);
        }
    }

    /** The defaults over {@code source}: from the end, per-stream ordering, 5 deliveries, 30 s ack timeout. */
    public static ConsumerGroupSettings of(Source source) {
        return new ConsumerGroupSettings(source, Start.END, Ordering.PER_STREAM, DEFAULT_MAX_DELIVERIES, DEFAULT_ACK_TIMEOUT);
    }

    public ConsumerGroupSettings withStart(Start start) {
        return new ConsumerGroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    public ConsumerGroupSettings withOrdering(Ordering ordering) {
        return new ConsumerGroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    public ConsumerGroupSettings withMaxDeliveries(int maxDeliveries) {
        return new ConsumerGroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    public ConsumerGroupSettings withAckTimeout(Duration ackTimeout) {
        return new ConsumerGroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    /** What a group consumes. */
    public sealed interface Source permits Source.Stream, Source.All {
        /** Every event of one stream, in revision order (the stream need not exist yet). */
        static Source stream(String name) {
            return new Stream(name);
        }

        /** The events of the global log that {@code filter} keeps, in position order. */
        static Source all(EventFilter filter) {
            return new All(filter);
        }

        /** Every event of the global log. */
        static Source all() {
            return new All(EventFilter.ALL);
        }

        record Stream(String name) implements Source {
            public Stream {
                Objects.requireNonNull(name, "name");
            }
        }

        record All(EventFilter filter) implements Source {
            public All {
                Objects.requireNonNull(filter, "filter");
            }
        }
    }

    /** Where a new group starts; resolved once, when the group is created. */
    public sealed interface Start permits Start.First, Start.Last, Start.At {
        /** The first event of the source. */
        Start START = new First();
        /** Only events appended after the group was created. */
        Start END = new Last();

        /** Events at or after {@code position} (for a stream source: its events at or after it). */
        static Start at(Position position) {
            return new At(position);
        }

        record First() implements Start {
        }

        record Last() implements Start {
        }

        record At(Position position) implements Start {
            public At {
                Objects.requireNonNull(position, "position");
            }
        }
    }

    public enum Ordering {
        /** A stream's events in revision order, one in flight at a time; streams spread over the consumers. */
        PER_STREAM,
        /** Any order, any number in flight: the most throughput. */
        NONE
    }
}
