package io.strata.server.groups;

import io.strata.core.InvalidRequestException;

/** How a consumer group orders deliveries. */
public enum Ordering {
    /**
     * Events of one stream are delivered in revision order, one in flight at a time per stream;
     * different streams go to different consumers in parallel.
     */
    PER_STREAM("per-stream"),
    /** Any order, any number in flight: the most throughput. */
    NONE("none");

    private final String wireName;

    Ordering(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Ordering parse(String wire) {
        for (Ordering ordering : values()) {
            if (ordering.wireName.equals(wire)) {
                return ordering;
            }
        }
        throw new InvalidRequestException("ordering must be \"per-stream\" or \"none\", got '" + wire + "'");
    }
}
