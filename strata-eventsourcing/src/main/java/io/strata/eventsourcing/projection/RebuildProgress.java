package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.util.Objects;
import java.util.Optional;

/**
 * How far a rebuild got.
 *
 * @param checkpoint    the last position the new version committed through
 * @param head          the log's last position when this was taken
 * @param eventsHandled events the new version applied so far
 * @param held          the new version waits at the active version's checkpoint (it does not pass
 *                      events whose side effects the active version has not fired yet)
 */
public record RebuildProgress(String projection, int version, ProjectionRunner.State state, Optional<Position> checkpoint,
                              Optional<Position> head, long eventsHandled, boolean held) {
    public RebuildProgress {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(head, "head");
    }

    /**
     * Whether the new version is ready to take over: it follows the log live, or it waits at the
     * active version's checkpoint (it cannot get further while the old version is active).
     */
    public boolean caughtUp() {
        return state == ProjectionRunner.State.LIVE || held;
    }

    /**
     * Positions between the checkpoint and the head. For a projection that filters, the checkpoint
     * moves past skipped events during catch-up but not while live, so use {@link #caughtUp()} to
     * decide a switch-over.
     */
    public long positionsBehind() {
        long head = this.head.map(p -> p.value() + 1).orElse(0L);
        long done = checkpoint.map(p -> p.value() + 1).orElse(0L);
        return Math.max(0, head - done);
    }

    @Override
    public String toString() {
        return projection + "@v" + version + " " + state + ": checkpoint " + checkpoint.map(Position::token).orElse("none")
                + " of head " + head.map(Position::token).orElse("none") + " (" + positionsBehind() + " behind, "
                + eventsHandled + " events applied" + (held ? ", held at the active version's checkpoint" : "") + ")";
    }
}
