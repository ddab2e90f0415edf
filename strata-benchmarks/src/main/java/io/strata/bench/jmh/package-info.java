/**
 * JMH micro-benchmarks: CRC32C ({@link io.strata.bench.jmh.ChecksumBenchmark}), hash chaining
 * per record or per batch ({@link io.strata.bench.jmh.HashChainBenchmark}), and single-threaded
 * append throughput through the public API ({@link io.strata.bench.jmh.AppendBenchmark}).
 * Run them with {@code org.openjdk.jmh.Main}; see {@code strata-benchmarks/README.md}.
 */
package io.strata.bench.jmh;
