package io.strata.server.groups;

import io.strata.core.Position;
import java.util.Objects;

/**
 * A consumer group at one moment: the shape of {@code GET /v1/groups} (plus the settings of
 * {@code GET /v1/groups/{group}}).
 *
 * @param checkpoint the group's position P: every event of the source before P was acked, skipped
 *                   or parked. It is where delivery resumes after a restart (from its last durable value)
 * @param lag        events of the source not yet acked, skipped or parked: those the group has not read
 *                   yet plus those it holds unfinished (waiting, in flight, waiting to be retried), plus
 *                   parked messages being replayed. For a stream source it is exact. For {@code $all}
 *                   the not-yet-read part counts log positions the group has not scanned, filtered out
 *                   or not, so with a filter it is an upper bound; it is 0 when the group is caught up
 * @param inFlight   messages delivered and waiting for their ack
 * @param parked     parked messages (not counting those being replayed)
 * @param consumers  consumers present: a fetch in progress, or one that returned less than
 *                   {@code ackTimeout} ago
 */
public record GroupStatus(String name, GroupSettings settings, Position checkpoint, long lag, int inFlight,
                          long parked, int consumers) {
    public GroupStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }
}
