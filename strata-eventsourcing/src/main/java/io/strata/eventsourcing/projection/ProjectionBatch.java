package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.util.Optional;

/**
 * A unit of work of a {@link CheckpointSession}: handlers run inside it, then it commits their effects
 * together with the checkpoint (how much "together" means is the store's guarantee), or is closed
 * without commit and rolls back what it can.
 */
public interface ProjectionBatch<C extends ProjectionContext> extends AutoCloseable {

    /**
     * The active version as this batch sees it. A JDBC batch reads it under a shared row lock, so a
     * switch-over waits for the batch and the old version cannot fire side effects past the point
     * the switch-over records.
     */
    Optional<ActiveVersion> activeVersion();

    /**
     * The checkpoint of version {@code activeVersion}, as this batch sees it: how far the active
     * version got, and so fired its side effects. A rebuilding version does not pass it.
     */
    Optional<Position> checkpointOf(int activeVersion);

    /** The context handlers of this batch get, built around the runner's {@code base}. */
    C context(ProjectionContext base);

    /** Makes this batch's version the active one when it commits. */
    ActiveVersion activate();

    /** Makes this batch's version the active one if no version is; returns the active version. */
    ActiveVersion activateIfNone();

    /**
     * Commits the batch; when {@code through} is present the checkpoint moves to it.
     *
     * @throws CheckpointConflictException another runner moved this version's checkpoint meanwhile
     */
    void commit(Optional<Position> through);

    /** Rolls back unless committed. */
    @Override
    void close();
}
