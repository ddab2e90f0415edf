/**
 * Side by side (issue 6): the workloads of {@code shared/bench/WORKLOADS.md} against Strata and against
 * the systems users compare it with, on one machine, in one run. Started by {@code bench/peers/run}.
 *
 * <pre>
 *   PeersMain ─▶ SideBySide ─┬─ strata-embedded/-grpc/-http × fsync/batched ─▶ WorkloadRunner (the Strata driver)
 *                            └─ PeerServer (KafkaBroker, NatsServer, PostgresServer: child processes on loopback)
 *                                  └─ PeerTarget (a row: peer + setting) ─▶ PeerLog (a topic/stream/table per run)
 *                                        ◀─ PeerWorkload W1..W6 (twins of the driver's workloads; W2, W3 and W6
 *                                           run on its ClosedLoop and FanOutRun)
 *   result lines ─▶ ResultLine ─▶ RatioTable (Markdown) ─▶ RatioChart (PNG)
 * </pre>
 *
 * Every process started is registered with {@link io.strata.bench.peers.ChildProcesses} and stopped by its
 * pid. A workload a peer has no equivalent for is reported, with the reason, as not supported.
 */
package io.strata.bench.peers;
