package io.strata.client;

import io.strata.core.Position;
import java.util.Objects;

/**
 * A consumer group at one moment, as the server reports it ({@code GET /v1/groups/{group}}).
 *
 * @param checkpoint every source event before this position was acked, skipped or parked; delivery
 *                   resumes from here after a server restart
 * @param lag        source events not yet acked, skipped or parked (for a {@code $all} source with a
 *                   filter, an upper bound)
 * @param inFlight   messages delivered and waiting for their ack
 * @param parked     parked messages, not counting those being replayed
 * @param consumers  consumers present: fetching now, or within the ack timeout of their last fetch
 */
public record ConsumerGroupStatus(String name, ConsumerGroupSettings settings, Position checkpoint, long lag,
                                  int inFlight, long parked, int consumers) {
    public ConsumerGroupStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }
}
