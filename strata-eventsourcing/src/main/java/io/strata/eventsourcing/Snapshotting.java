package io.strata.eventsourcing;

import io.strata.eventsourcing.snapshot.Snapshot;
import io.strata.eventsourcing.snapshot.SnapshotCodec;
import io.strata.eventsourcing.snapshot.SnapshotPolicy;
import io.strata.eventsourcing.snapshot.SnapshotStore;

import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * The repository's use of snapshots: restore the newest usable one, save one when the policy says
 * so. A snapshot is a cache, so every failure here degrades to a full replay and a warning, never
 * to a failed command. Thread-safe.
 */
record Snapshotting<S>(SnapshotPolicy policy, SnapshotCodec<S> codec, SnapshotStore store) {
    private static final System.Logger LOG = System.getLogger(Snapshotting.class.getName());

    /** The state of the newest snapshot at or before {@code maxRevision} with the codec's state version. */
    Optional<Replay<S>> restore(String stream, long maxRevision) {
        Optional<Snapshot> found;
        try {
            found = store.latestAtOrBefore(stream, maxRevision);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reading the snapshot of " + stream + " failed; replaying all its events", e);
            return Optional.empty();
        }
        if (found.isEmpty() || found.get().stateVersion() != codec.stateVersion()) {
            return Optional.empty(); // an old state version is ignored, never misread
        }
        Snapshot snapshot = found.get();
        try {
            return Optional.of(new Replay<>(codec.decode(snapshot.state()), snapshot.aggregateRevision(), 0));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, snapshot + " does not decode although its state version is current (was the state "
                    + "class changed without bumping the state version?); replaying all events", e);
            return Optional.empty();
        }
    }

    /** Saves the state of {@code replay} if the policy asks for it; returns whether it did. */
    boolean saveIfDue(String stream, Replay<S> replay) {
        if (replay.revision() == Replay.NONE || !policy.shouldSnapshot(replay.eventsSinceSnapshot())) {
            return false;
        }
        try {
            store.save(new Snapshot(stream, replay.revision(), codec.stateVersion(), codec.encode(replay.state())));
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "saving a snapshot of " + stream + "@" + replay.revision()
                    + " failed; the events are appended, loads replay more of them", e);
            return false;
        }
    }
}
