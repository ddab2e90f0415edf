package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import java.util.Optional;

/**
 * Where a projection remembers how far it got, and which of its versions is active.
 *
 * <p>The store decides the delivery guarantee, by what a batch's commit covers:
 * <ul>
 *   <li>{@link JdbcCheckpointStore}: the read model's writes and the checkpoint commit in one
 *       database transaction, so every event takes effect exactly once, across crashes.</li>
 *   <li>{@link EventStoreCheckpointStore}: the checkpoint is an event, written every N events or T ms;
 *       after a crash the events since the last written checkpoint are applied again (at least
 *       once; the window is at most N events or T ms of events).</li>
 *   <li>{@link InMemoryCheckpointStore}: forgets everything with the process, for read models that
 *       live in memory and are rebuilt from the log at every start.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe; a {@link CheckpointSession} is used by one thread.
 *
 * @param <C> the context handlers get; a JDBC store gives them its transaction's connection
 */
public interface CheckpointStore<C extends ProjectionContext> {

    /** Opens a session for one runner of {@code projection} at {@code version}. */
    CheckpointSession<C> open(String projection, int version);

    /** The last position whose effects are held as done for this version; empty: none yet. */
    Optional<Position> checkpoint(String projection, int version);

    /** The version readers should use; empty until a first version ran. */
    Optional<ActiveVersion> activeVersion(String projection);

    /**
     * Whether a batch that fails leaves no trace (a database transaction rolls back), so the runner
     * may retry the whole batch. When false, the events before the failing one have taken effect and
     * the runner keeps them.
     */
    boolean transactional();

    /**
     * Whether {@code event} is this store's own bookkeeping in the log (a checkpoint written as an
     * event), which projections never see and which does not count as progress.
     */
    default boolean isBookkeeping(RecordedEvent event) {
        return false;
    }
}
