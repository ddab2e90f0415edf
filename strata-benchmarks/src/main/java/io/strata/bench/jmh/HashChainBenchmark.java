package io.strata.bench.jmh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tamper-evident chain (DESIGN.md, Audit): per-record SHA-256 (previous 32-byte hash + one
 * 300-byte record) against per-batch SHA-256 (previous hash + 100 records, one digest). Both scores
 * are nanoseconds <em>per record</em>, so they compare directly; the gap is the cost of finishing a
 * digest per record, to weigh against per-record tamper evidence.
 *
 * <p>The writer's part of the chain as built (ADR 0011), also per record: {@code linkPerRecord} is the
 * link of format version 2 (previous link ‖ 25 log-assigned bytes ‖ 32-byte body digest, finished per
 * record), {@code linkPerAppendOf100} the link of version 3 (the same 57 bytes per record of an append
 * of 100, finished once).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashChainBenchmark {
    static final int RECORD_BYTES = 300;
    static final int BATCH = 100;

    private final byte[] previous = new byte[32];
    private byte[][] records;
    private MessageDigest sha256;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        SplittableRandom random = new SplittableRandom(42);
        records = new byte[BATCH][RECORD_BYTES];
        for (byte[] record : records) {
            random.nextBytes(record);
        }
        random.nextBytes(previous);
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    /** One digest per record: hash(previous || record) becomes the next previous. */
    @Benchmark
    public byte[] sha256PerRecord() throws Exception {
        sha256.update(previous);
        sha256.update(records[0]);
        sha256.digest(previous, 0, 32);
        return previous;
    }

    /** The same chaining for a batch of 100 records, timed per record. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] sha256PerRecordBatchOf100() throws Exception {
        for (byte[] record : records) {
            sha256.update(previous);
            sha256.update(record);
            sha256.digest(previous, 0, 32);
        }
        return previous;
    }

    /** One digest per batch: hash(previous || record 1 || … || record 100), timed per record. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] sha256PerBatchOf100() throws Exception {
        sha256.update(previous);
        for (byte[] record : records) {
            sha256.update(record);
        }
        sha256.digest(previous, 0, 32);
        return previous;
    }

    private final byte[] logAssigned = new byte[25];
    private final byte[] bodyDigest = new byte[32];

    /** Format version 2: one link per record, over 89 bytes. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] linkPerRecord() throws Exception {
        for (int i = 0; i < BATCH; i++) {
            sha256.update(previous);
            sha256.update(logAssigned);
            sha256.update(bodyDigest);
            sha256.digest(previous, 0, 32);
        }
        return previous;
    }

    /** Format version 3: one link per append of 100 records, 57 bytes per record. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] linkPerAppendOf100() throws Exception {
        sha256.update(previous);
        for (int i = 0; i < BATCH; i++) {
            sha256.update(logAssigned);
            sha256.update(bodyDigest);
        }
        sha256.digest(previous, 0, 32);
        return previous;
    }
}
