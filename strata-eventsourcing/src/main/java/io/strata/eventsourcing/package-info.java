/**
 * The write side of event sourcing over any {@link io.strata.core.EventStore}: aggregates as
 * {@link io.strata.eventsourcing.Decider}s (plain records and sealed interfaces, no annotations),
 * and an {@link io.strata.eventsourcing.AggregateRepository} that loads, decides, appends with the
 * expected revision and retries on conflict.
 *
 * <pre>
 *   command + CommandContext
 *        │
 *        ▼
 *   AggregateRepository ──load──▶ [Snapshot] + events ──Decider.evolve──▶ state @ r
 *        │ Decider.decide(command, state)
 *        ├─ rejected (throws) ──────────▶ caller; nothing appended
 *        ├─ no events ──────────────────▶ CommandResult; nothing appended
 *        └─ events ──serializer──▶ append(category-id, exactly(r))
 *                                     └─ conflict ─▶ catch up, decide again (ConflictRetryPolicy)
 * </pre>
 *
 * <p>Sub-packages: {@code serialization} (type registry, JSON, upcasters, metadata),
 * {@code snapshot} (policies, codecs, stores). Time travel is {@link
 * io.strata.eventsourcing.LoadPoint}: {@code load(id, asOf(time))}, {@code load(id, atRevision(n))}.
 */
package io.strata.eventsourcing;
