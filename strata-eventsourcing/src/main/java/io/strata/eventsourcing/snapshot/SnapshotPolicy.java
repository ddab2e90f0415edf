package io.strata.eventsourcing.snapshot;

/**
 * When the repository saves a snapshot after a command: given how many events a load would now have
 * to fold after the newest usable snapshot (or from the start when there is none).
 *
 * <p>Counting events since the last usable snapshot, rather than revisions that are multiples of N,
 * means a snapshot ignored for its old state version is replaced by the very next command.
 */
@FunctionalInterface
public interface SnapshotPolicy {

    /** Whether to snapshot now that {@code eventsSinceSnapshot} events follow the last usable snapshot. */
    boolean shouldSnapshot(long eventsSinceSnapshot);

    /** A snapshot once {@code events} or more events follow the last one. */
    static SnapshotPolicy every(int events) {
        return new Every(events);
    }

    static SnapshotPolicy never() {
        return eventsSinceSnapshot -> false;
    }

    /** The policy behind {@link #every}. */
    record Every(int events) implements SnapshotPolicy {
        public Every {
            if (events < 1) {
                throw new IllegalArgumentException("snapshot every 1 or more events, got " + events);
            }
        }

        @Override
        public boolean shouldSnapshot(long eventsSinceSnapshot) {
            return eventsSinceSnapshot >= events;
        }
    }
}
