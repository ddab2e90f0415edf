package io.strata.server.groups;

import io.strata.core.InvalidRequestException;
import java.time.Duration;
import java.util.Objects;

/**
 * What a consumer group is: fixed when it is created. Two groups with equal settings are the same
 * group for {@link ConsumerGroups#create} (which is idempotent).
 *
 * @param source        one stream, or {@code $all} with a filter
 * @param start         where the group starts; default {@link StartFrom#END}, like the live subscriptions
 * @param ordering      default {@link Ordering#PER_STREAM}
 * @param maxDeliveries deliveries of one message before it is parked, 1 to {@value #MAX_DELIVERIES_LIMIT}; default 5
 * @param ackTimeout    how long a delivery waits for its ack before the message goes to another
 *                      consumer, {@code 10 ms} to {@code 24 h}; default 30 s
 */
public record GroupSettings(GroupSource source, StartFrom start, Ordering ordering, int maxDeliveries, Duration ackTimeout) {
    public static final int DEFAULT_MAX_DELIVERIES = 5;
    public static final int MAX_DELIVERIES_LIMIT = 1000;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MIN_ACK_TIMEOUT = Duration.ofMillis(10);
    public static final Duration MAX_ACK_TIMEOUT = Duration.ofHours(24);

    public GroupSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(ordering, "ordering");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        if (maxDeliveries < 1 || maxDeliveries > MAX_DELIVERIES_LIMIT) {
            throw new InvalidRequestException("maxDeliveries must be between 1 and " + MAX_DELIVERIES_LIMIT + ", got " + maxDeliveries);
        }
        if (ackTimeout.compareTo(MIN_ACK_TIMEOUT) < 0 || ackTimeout.compareTo(MAX_ACK_TIMEOUT) > 0) {
            throw new InvalidRequestException("ackTimeout must be between " + MIN_ACK_TIMEOUT + " and " + MAX_ACK_TIMEOUT
                    + ", got " + ackTimeout);
        }
    }

    /** The defaults over {@code source}: start at the end, per-stream ordering, 5 deliveries, 30 s ack timeout. */
    public static GroupSettings of(GroupSource source) {
        return new GroupSettings(source, StartFrom.END, Ordering.PER_STREAM, DEFAULT_MAX_DELIVERIES, DEFAULT_ACK_TIMEOUT);
    }

    public GroupSettings withStart(StartFrom start) {
        return new GroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    public GroupSettings withOrdering(Ordering ordering) {
        return new GroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    public GroupSettings withMaxDeliveries(int maxDeliveries) {
        return new GroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    public GroupSettings withAckTimeout(Duration ackTimeout) {
        return new GroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    @Override
    public String toString() {
        return "{source " + source.describe() + ", from " + start.wireValue() + ", ordering " + ordering.wireName()
                + ", maxDeliveries " + maxDeliveries + ", ackTimeout " + ackTimeout + "}";
    }
}
