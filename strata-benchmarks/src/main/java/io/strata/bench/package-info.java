/**
 * The workload driver of {@code bench/WORKLOADS.md} ({@link io.strata.bench.WorkloadRunner}) and, in
 * {@code io.strata.bench.jmh}, the JMH micro-benchmarks.
 *
 * <pre>
 *   BenchRequest ─▶ WorkloadRunner ─▶ W1…W6 (Workload) ─▶ RunContext.openStore ─▶ Target (Targets)
 *                        │                    │                                      ├ strata-embedded: EmbeddedEventStore
 *                        │                    │                                      └ strata-http: StrataServer in this JVM
 *                        │                    │                                          + HttpEventStore on loopback
 *                        │                    └─ Measurement: events, seconds, HdrHistogram of latencies
 *                        └─ one JSON line per run (JsonLine + MachineInfo), progress lines as it goes
 * </pre>
 *
 * Figures come only from running these; no test asserts a speed.
 */
package io.strata.bench;
