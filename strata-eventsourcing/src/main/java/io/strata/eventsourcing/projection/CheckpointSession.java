package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.util.Optional;

/**
 * One runner's connection to a {@link CheckpointStore}: its checkpoint and its units of work.
 * Used by one thread at a time.
 */
public interface CheckpointSession<C extends ProjectionContext> extends AutoCloseable {

    /**
     * The last position held as done. After a failed batch it is read again from the store: a commit
     * that failed in flight may have committed all the same, and then its events must not be applied
     * again.
     */
    Optional<Position> checkpoint();

    /** Starts a unit of work: the effects of some events and, on commit, the checkpoint after them. */
    ProjectionBatch<C> begin();

    /** Called when the runner has nothing to do, so a store that writes by time can do so. */
    default void idle() {
    }

    /** Makes the last committed position durable now (graceful stop). */
    default void flush() {
    }

    @Override
    void close();
}
