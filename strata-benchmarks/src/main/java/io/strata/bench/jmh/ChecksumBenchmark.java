package io.strata.bench.jmh;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CRC32C of one record-sized (300 B) and one page-sized (4 KiB) buffer, from a heap array and from
 * a direct buffer: what the per-record checksum costs the writer and the recovery scan.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChecksumBenchmark {
    @Param({"300", "4096"})
    public int size;

    private byte[] array;
    private ByteBuffer direct;
    private final CRC32C crc = new CRC32C();

    @Setup
    public void setUp() {
        array = new byte[size];
        new SplittableRandom(42).nextBytes(array);
        direct = ByteBuffer.allocateDirect(size);
        direct.put(array).flip();
    }

    @Benchmark
    public long crc32cHeapArray() {
        crc.reset();
        crc.update(array, 0, array.length);
        return crc.getValue();
    }

    @Benchmark
    public long crc32cDirectBuffer() {
        crc.reset();
        crc.update(direct.duplicate());
        return crc.getValue();
    }
}
