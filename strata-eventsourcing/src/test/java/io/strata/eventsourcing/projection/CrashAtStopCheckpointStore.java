package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import java.util.Optional;

/**
 * A real {@link EventStoreCheckpointStore} whose sessions lose their final flush: what a process
 * killed just before its graceful stop leaves behind (the checkpoints written along the way, not
 * the last one). Used to test the at-least-once window in-process; the real SIGKILL test is
 * {@code JdbcProjectionCrashIT}.
 */
final class CrashAtStopCheckpointStore implements CheckpointStore<ProjectionContext> {
    private final EventStoreCheckpointStore real;

    CrashAtStopCheckpointStore(EventStoreCheckpointStore real) {
        this.real = real;
    }

    @Override
    public CheckpointSession<ProjectionContext> open(String projection, int version) {
        CheckpointSession<ProjectionContext> session = real.open(projection, version);
        return new CheckpointSession<>() {
            @Override
            public Optional<Position> checkpoint() {
                return session.checkpoint();
            }

            @Override
            public ProjectionBatch<ProjectionContext> begin() {
                return session.begin();
            }

            @Override
            public void idle() {
                session.idle();
            }

            @Override
            public void flush() {
                // the process died here
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }

    @Override
    public Optional<Position> checkpoint(String projection, int version) {
        return real.checkpoint(projection, version);
    }

    @Override
    public Optional<ActiveVersion> activeVersion(String projection) {
        return real.activeVersion(projection);
    }

    @Override
    public boolean transactional() {
        return real.transactional();
    }

    @Override
    public boolean isBookkeeping(RecordedEvent event) {
        return real.isBookkeeping(event);
    }
}
