package io.strata.server.groups;

import io.strata.core.InvalidRequestException;

/** Why a message was parked. */
public enum ParkReason {
    /** Delivered {@code maxDeliveries} times without an ack (nacked with retry, or its ack timeout passed). */
    MAX_DELIVERIES("maxDeliveries"),
    /** A consumer nacked it with {@link NackAction#PARK}. */
    NACKED("nacked");

    private final String wireName;

    ParkReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static ParkReason parse(String wire) {
        for (ParkReason reason : values()) {
            if (reason.wireName.equals(wire)) {
                return reason;
            }
        }
        throw new InvalidRequestException("unknown park reason '" + wire + "'");
    }
}
