/**
 * The gRPC API of {@code strata/v1/event_store.proto} over the embedded engine, with the semantics of the
 * engine and of the HTTP API (spec/http-api.md), and the proto's error table.
 *
 * <pre>
 *  client ──HTTP/2──► Netty (grpc-netty-shaded) ──► MalformedMessageGuard (bad bytes: INVALID_ARGUMENT)
 *                          │ max message 16 MiB,         │
 *                          │ ≤ 1,000 calls/connection     ▼
 *                          │                        EventStoreService (callbacks on virtual threads)
 *                          │                         ├─ Append ─────────► store.appendAsync ─► answer
 *                          │                         ├─ AppendStream ───► AppendStreamCall: ≤ 256 in flight,
 *                          │                         │                    asks for all free room at once,
 *                          │                         │                    answers by id
 *                          │                         ├─ ReadStream/All ─► PageReader: ≤ 1,000 events, ≤ 4 MiB
 *                          │                         ├─ Subscribe… ─────► SubscriptionCall: engine thread ─►
 *                          │                         │                    bounded buffer ─► batches while ready
 *                          │                         └─ Info
 *                          └─ grpc.health.v1.Health (SERVING while ready), server reflection
 *
 *  failures: StrataException ─► ProtoErrors.toStatus (status + strata-error-bin trailer)
 *            anything else   ─► INTERNAL, short message; the stack trace goes to the log only
 * </pre>
 *
 * <p>{@link io.strata.server.grpc.GrpcEndpoint} is the entry point; {@code StrataServer} starts and stops it.
 */
package io.strata.server.grpc;
