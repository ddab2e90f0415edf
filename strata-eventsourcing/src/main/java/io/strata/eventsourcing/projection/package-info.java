/**
 * Projections (read models) fed from the log with a durable checkpoint.
 *
 * <pre>
 *  EventStore ($all)                ProjectionRunner (one thread per projection version)
 *  ─────────────────                ─────────────────────────────────────────────────────
 *  readAll pages from checkpoint ─▶ catch-up ─┐
 *  subscribeToAll(next, filter) ──▶ live ─────┤ LiveFeed queue: whatever arrived, up to batchSize
 *                                             ▼
 *                          ┌─ CheckpointSession.begin() ── ProjectionBatch ──────────────────┐
 *                          │   activeVersion()  → isReplay() per event                        │
 *                          │   Projection.handle(event, context) for each event of the batch  │
 *                          │     (raw handlers by stored type, typed handlers after decoding) │
 *                          │   commit(through last position)  ← JDBC: same transaction        │
 *                          └──────────────────────────────────────────────────────────────────┘
 *                                             │ committed
 *                                             ▼
 *                               side effects of the batch (not for replays)
 *
 *  handler throws ─▶ retry that event alone with backoff ─▶ still failing: state FAILED + report
 *                    (the checkpoint never moves past it)
 * </pre>
 *
 * <p>Guarantees, by {@link io.strata.eventsourcing.projection.CheckpointStore}:
 * <ul>
 *   <li>{@link io.strata.eventsourcing.projection.JdbcCheckpointStore}: exactly once for the read
 *       model's writes (same transaction as the checkpoint row);</li>
 *   <li>{@link io.strata.eventsourcing.projection.EventStoreCheckpointStore}: at least once; after a
 *       crash at most {@code everyEvents} positions (or {@code interval} of events) come again;</li>
 *   <li>{@link io.strata.eventsourcing.projection.InMemoryCheckpointStore}: once per process life,
 *       for models in memory that are rebuilt at every start.</li>
 * </ul>
 *
 * <p>Versions: {@link io.strata.eventsourcing.projection.ProjectionRebuild} builds version v+1
 * beside v from the start of the log (never past v's checkpoint) and switches readers over when it
 * has caught up; while a version is not the active one, or for events an earlier version already
 * handled, handlers see {@code isReplay()} and their {@code sideEffect(...)} calls do not fire.
 * {@link io.strata.eventsourcing.projection.IdempotentHandler} skips events already processed by
 * id, for handlers with external effects.
 */
package io.strata.eventsourcing.projection;
