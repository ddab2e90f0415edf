package io.strata.server.groups;

import java.time.Duration;

/**
 * Settings of a {@link ConsumerGroups} registry (as opposed to {@link GroupSettings}, which each group
 * has). Build with {@link #builder()}; the defaults suit production.
 */
public final class GroupsConfig {
    private final int readAhead;
    private final Duration checkpointInterval;
    private final int checkpointAfterAcks;
    private final Duration idlePoll;

    private GroupsConfig(Builder b) {
        this.readAhead = b.readAhead;
        this.checkpointInterval = b.checkpointInterval;
        this.checkpointAfterAcks = b.checkpointAfterAcks;
        this.idlePoll = b.idlePoll;
    }

    public static GroupsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Events a group holds in memory at most: read from the source and not yet acked, skipped or parked
     * (default 10,000). When full, the group stops reading until acks make room.
     */
    public int readAhead() {
        return readAhead;
    }

    /** A group's checkpoint is written at most this long after it moved (default 1 s)... */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** ...or as soon as this many messages were finished since the last write (default 10,000), whichever first. */
    public int checkpointAfterAcks() {
        return checkpointAfterAcks;
    }

    /**
     * How often a group at the end of its source looks for new events when no wake-up came (default
     * 1 s): a fallback only, since a subscription wakes it on every new event. Tests lengthen it to
     * prove the wake-up works.
     */
    Duration idlePoll() {
        return idlePoll;
    }

    public static final class Builder {
        private int readAhead = 10_000;
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private int checkpointAfterAcks = 10_000;
        private Duration idlePoll = Duration.ofSeconds(1);

        private Builder() {
        }

        public Builder readAhead(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("readAhead must be at least 1, got " + events);
            }
            this.readAhead = events;
            return this;
        }

        public Builder checkpointInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be positive, got " + interval);
            }
            this.checkpointInterval = interval;
            return this;
        }

        public Builder checkpointAfterAcks(int acks) {
            if (acks < 1) {
                throw new IllegalArgumentException("checkpointAfterAcks must be at least 1, got " + acks);
            }
            this.checkpointAfterAcks = acks;
            return this;
        }

        Builder idlePoll(Duration poll) {
            this.idlePoll = poll;
            return this;
        }

        public GroupsConfig build() {
            return new GroupsConfig(this);
        }
    }
}
