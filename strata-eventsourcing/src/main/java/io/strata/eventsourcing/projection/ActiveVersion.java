package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.util.Objects;
import java.util.Optional;

/**
 * Which version of a projection readers use, and through which position earlier versions already
 * fired their side effects (so the active version holds back its own up to there).
 *
 * @param sideEffectsThrough the last position whose side effects an earlier version fired; empty
 *                           when no earlier version was active
 */
public record ActiveVersion(String projection, int version, Optional<Position> sideEffectsThrough) {
    public ActiveVersion {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(sideEffectsThrough, "sideEffectsThrough");
    }

    /** Whether side effects of the event at {@code position} are still to fire for this version. */
    boolean firesSideEffectsAt(int version, Position position) {
        return this.version == version
                && (sideEffectsThrough.isEmpty() || position.compareTo(sideEffectsThrough.get()) > 0);
    }
}
