package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints and active versions in this process's memory: for read models that live in memory
 * too, and so start again from the beginning of the log with the process (a durable checkpoint
 * would be wrong for them: it would say "done" about a model that is gone).
 *
 * <p>Guarantee: while the process runs, each event is applied once (a failed event is retried on
 * its own; the events before it in its batch stay applied). Side effects registered through
 * {@link ProjectionContext#sideEffect} fire again after a restart, because nothing remembers that
 * they fired: guard them with {@link IdempotentHandler} over a durable {@link ProcessedEvents}, or use
 * a durable store.
 *
 * <p>Thread-safe.
 */
public final class InMemoryCheckpointStore implements CheckpointStore<ProjectionContext> {
    private final Map<String, Position> checkpoints = new HashMap<>();
    private final Map<String, ActiveVersion> active = new HashMap<>();

    @Override
    public CheckpointSession<ProjectionContext> open(String projection, int version) {
        return new Session(projection, version);
    }

    @Override
    public synchronized Optional<Position> checkpoint(String projection, int version) {
        return Optional.ofNullable(checkpoints.get(key(projection, version)));
    }

    @Override
    public synchronized Optional<ActiveVersion> activeVersion(String projection) {
        return Optional.ofNullable(active.get(projection));
    }

    @Override
    public boolean transactional() {
        return false;
    }

    private static String key(String projection, int version) {
        return projection + "@" + version;
    }

    /** The active version after {@code version} takes over: side effects held back up to where the old one got. */
    private ActiveVersion successor(String projection, int version) {
        ActiveVersion previous = active.get(projection);
        if (previous == null || previous.version() == version) {
            return previous != null ? previous : new ActiveVersion(projection, version, Optional.empty());
        }
        Optional<Position> through = max(previous.sideEffectsThrough(),
                Optional.ofNullable(checkpoints.get(key(projection, previous.version()))));
        return new ActiveVersion(projection, version, through);
    }

    static Optional<Position> max(Optional<Position> a, Optional<Position> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().compareTo(b.get()) >= 0 ? a : b;
    }

    private final class Session implements CheckpointSession<ProjectionContext> {
        private final String projection;
        private final int version;

        Session(String projection, int version) {
            this.projection = projection;
            this.version = version;
        }

        @Override
        public Optional<Position> checkpoint() {
            return InMemoryCheckpointStore.this.checkpoint(projection, version);
        }

        @Override
        public ProjectionBatch<ProjectionContext> begin() {
            return new Batch(projection, version);
        }

        @Override
        public void close() {
        }
    }

    private final class Batch implements ProjectionBatch<ProjectionContext> {
        private final String projection;
        private final int version;
        private boolean activate;

        Batch(String projection, int version) {
            this.projection = projection;
            this.version = version;
        }

        @Override
        public Optional<ActiveVersion> activeVersion() {
            return InMemoryCheckpointStore.this.activeVersion(projection);
        }

        @Override
        public Optional<Position> checkpointOf(int activeVersion) {
            return InMemoryCheckpointStore.this.checkpoint(projection, activeVersion);
        }

        @Override
        public ProjectionContext context(ProjectionContext base) {
            return base;
        }

        @Override
        public ActiveVersion activate() {
            activate = true;
            synchronized (InMemoryCheckpointStore.this) {
                return successor(projection, version);
            }
        }

        @Override
        public ActiveVersion activateIfNone() {
            synchronized (InMemoryCheckpointStore.this) {
                return active.computeIfAbsent(projection, p -> new ActiveVersion(p, version, Optional.empty()));
            }
        }

        @Override
        public void commit(Optional<Position> through) {
            synchronized (InMemoryCheckpointStore.this) {
                through.ifPresent(position -> checkpoints.put(key(projection, version), position));
                if (activate) {
                    active.put(projection, successor(projection, version));
                }
            }
        }

        @Override
        public void close() {
        }
    }
}
