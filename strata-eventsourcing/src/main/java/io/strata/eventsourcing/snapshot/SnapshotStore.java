package io.strata.eventsourcing.snapshot;

import java.util.Optional;

/**
 * Where snapshots live. Implementations are thread-safe; a lost or stale snapshot only costs time,
 * so an implementation may keep as few as it likes.
 */
public interface SnapshotStore {

    /** Stores {@code snapshot}. */
    void save(Snapshot snapshot);

    /** The snapshot of {@code aggregateStream} with the highest revision, if any. */
    default Optional<Snapshot> latest(String aggregateStream) {
        return latestAtOrBefore(aggregateStream, Long.MAX_VALUE);
    }

    /**
     * A snapshot of {@code aggregateStream} whose revision is at most {@code revision}, preferably the
     * highest; empty when none is (cheaply) found. Time travel uses this so that a snapshot newer than
     * the requested point is never used.
     */
    Optional<Snapshot> latestAtOrBefore(String aggregateStream, long revision);
}
