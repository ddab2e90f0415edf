/**
 * Optional snapshots of aggregate state, so a load folds only the events after the snapshot.
 *
 * <pre>
 *   counter-42            e0 e1 … e99 e100 … e149
 *   snapshot-counter-42              ▲ S(rev 99, state v1)
 *
 *   load latest:        S@99 + read e100…e149               (50 events, not 150)
 *   load atRevision(80): no snapshot ≤ 80 → read e0…e80      (never a snapshot newer than the point)
 *   codec at state v2:  S is v1 → ignored, read e0…e149, next command saves S(rev 150, v2)
 * </pre>
 *
 * <p>{@link io.strata.eventsourcing.snapshot.SnapshotPolicy} says when to take one,
 * {@link io.strata.eventsourcing.snapshot.SnapshotCodec} how to encode the state (with a version),
 * {@link io.strata.eventsourcing.snapshot.SnapshotStore} where to keep it —
 * {@link io.strata.eventsourcing.snapshot.EventStoreSnapshotStore} by default, in the event store.
 * A snapshot is a cache: a missing, old-version or unreadable one only costs a longer replay.
 */
package io.strata.eventsourcing.snapshot;
