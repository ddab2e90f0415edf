/**
 * Consumer groups: named, durable, shared cursors that make Strata a message broker. Competing
 * consumers fetch leased messages and ack or nack them; delivery is at-least-once; per-stream order
 * is kept; poison messages are parked instead of blocking their stream. Transport-independent: the
 * HTTP, gRPC and command-line layers call {@link io.strata.server.groups.ConsumerGroups} and
 * {@link io.strata.server.groups.ConsumerGroup}. Semantics and file layout: {@code docs/consumer-groups.md}.
 *
 * <p>A message's life:
 *
 * <pre>
 *   source (stream or filtered $all)
 *      │  GroupReader: paged reads while the read-ahead window has room
 *      ▼
 *   WAITING ──(older events of its stream finished; per-stream only)──┐
 *      │ (first of its stream, or ordering none)                       │
 *      ▼                                                               ▼
 *   READY ◄───────────────────────────────┬───────────── retry delay due (DELAYED)
 *      │ fetch: lease, deliveryCount+1     │                      ▲
 *      ▼                                   │ ack timeout          │ nack retry + delay
 *   IN FLIGHT ────────────────────────────┤ or nack retry        │
 *      │        │          │               └──────────────────────┘
 *      │ ack    │ nack     │ failure when deliveryCount = maxDeliveries,
 *      │        │ skip     │ or nack park
 *      ▼        ▼          ▼
 *   ACKED    SKIPPED    PARKED ──(replayParked)──► back of its stream's queue, deliveryCount from 1
 *      └────────┴──────────┘
 *        released: the next event of the stream becomes READY; the checkpoint may pass it
 * </pre>
 *
 * <p>Classes: {@code ConsumerGroups} (registry, files, scheduler) → {@code ConsumerGroup} (lock,
 * long polls, timers, checkpoint writes) → {@code Dispatcher} (the state machine above, no threads,
 * no I/O); {@code GroupReader} + {@code SourceReader} read the source; {@code GroupFiles} +
 * {@code AtomicFiles} keep the state on disk.
 */
package io.strata.server.groups;
