package io.strata.eventsourcing.snapshot;

/**
 * An aggregate state ↔ bytes, with the version of that encoding. Bump {@link #stateVersion()}
 * whenever the state class (or what {@code evolve} computes) changes: snapshots of other versions
 * are then ignored and rebuilt from the events, instead of being misread.
 */
public interface SnapshotCodec<S> {

    int stateVersion();

    byte[] encode(S state);

    S decode(byte[] bytes);
}
