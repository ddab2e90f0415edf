package io.strata.server.groups;

import io.strata.core.InvalidRequestException;

/** What a consumer wants done with messages it could not handle. */
public enum NackAction {
    /**
     * Deliver again, after the nack's delay. A message already delivered {@code maxDeliveries} times
     * is parked instead. Under per-stream ordering the message keeps blocking its stream meanwhile.
     */
    RETRY("retry"),
    /** Park now: set aside for inspection and replay; it no longer blocks its stream. */
    PARK("park"),
    /** Drop it: treated like an ack (the consumer chose to ignore it). */
    SKIP("skip");

    private final String wireName;

    NackAction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static NackAction parse(String wire) {
        for (NackAction action : values()) {
            if (action.wireName.equals(wire)) {
                return action;
            }
        }
        throw new InvalidRequestException("action must be \"retry\", \"park\" or \"skip\", got '" + wire + "'");
    }
}
