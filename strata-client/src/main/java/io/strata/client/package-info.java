/**
 * Clients of a Strata server: {@link io.strata.client.StrataClient}, the {@link io.strata.core.EventStore}
 * over gRPC for Java services, with its {@link io.strata.client.Publisher} of pipelined appends; and
 * {@link io.strata.client.HttpEventStore}, the same interface over the HTTP API, for the command line.
 *
 * <p>The calls of {@code StrataClient}, all on one gRPC channel (one HTTP/2 connection):
 * <pre>
 *   caller thread                  gRPC channel (netty event loop)         server
 *   ─────────────                  ───────────────────────────────         ──────
 *   read*(), info() ── unary call, blocking: the caller's thread runs ───►  ReadStream, ReadAll, Info
 *                      the answer's callbacks (no hand-over)           ◄──
 *   read*() paging  ── from the 3rd page of a sequential reader, a full page's answer sends ──►  (ReadAhead:
 *                      the next page's call before it is decoded; that answer is decoded on   one page,
 *                      a virtual thread; the next read takes it if full, else calls again ◄── full only)
 *
 *   append(),       ── request{id} on the caller's shared stream (thread id % 2) ──►  AppendStream
 *   appendAsync()      (over 1 MiB: a unary Append; over the server's bound: TooLarge, not sent)
 *        future ◄── pending.remove(id) ◄── event loop ◄── answer{id, result | error} ◄──
 *          └─ thenApply, whenComplete, … ──► callback executor (virtual threads), never the event loop
 *
 *   publisher(n).publish()                                                   AppendStream
 *        │  wait for one of n permits, pending[id] = future                  (applies in send order,
 *        └─ request{id} ────────────────────────────────────────────────►    ≤ its own in-flight bound)
 *        future ◄── pending.remove(id) ◄── event loop ◄── answer{id, result | error} ◄──
 *           then the permit goes back; dependents run on the callback executor
 *
 *   subscribeTo*()  ── Subscribe request ───────────────────────────────►  SubscribeTo*
 *        returns when the first message (or a refusal) is back: the server sends one, empty if it
 *        has nothing yet, as soon as it has registered the subscription
 *        listener ◄── one virtual thread at a time, in order ◄── message{events, caught_up}
 *        request(1) ── only after the listener took the whole message: a slow listener holds the
 *                      server back instead of filling the client's memory
 * </pre>
 *
 * <p>Errors: what the store refuses comes back as the engine's own exception (from the
 * {@code strata-error-bin} trailer, or in-band on the append streams, failing that append only); what the
 * network does is a {@link io.strata.client.ServerConnectionException} naming the server's address.
 */
package io.strata.client;
