package io.strata.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * The floor under W1: the latency of a bare 4 KiB {@link FileChannel#write} plus
 * {@link FileChannel#force force(false)} (fdatasync), appending to a fresh file in the same folder as
 * the store. A durable single-event append cannot beat one of these by much; W1's target is a p50
 * at most 1.3 times this one's. W1 interleaves these writes with its appends so both see the same
 * disk weather. Not thread-safe; closing deletes the file.
 */
final class FsyncBaseline implements AutoCloseable {
    static final String METHOD = "4 KiB FileChannel.write + force(false), appending to a new file in the store's folder,"
            + " interleaved with the appends";
    static final int BLOCK = 4096;

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);

    private FsyncBaseline(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        for (int i = 0; i < BLOCK; i++) {
            block.put(i, (byte) ('a' + i % 26));
        }
    }

    static FsyncBaseline create(Path file) throws IOException {
        return new FsyncBaseline(file);
    }

    /** Does {@code writes} write+fsync pairs, recording each one's latency (ns) unless {@code histogram} is null. */
    void write(int writes, Histogram histogram) throws IOException {
        for (int i = 0; i < writes; i++) {
            block.clear();
            long start = System.nanoTime();
            while (block.hasRemaining()) {
                channel.write(block);
            }
            channel.force(false);
            long took = System.nanoTime() - start;
            if (histogram != null) {
                histogram.recordValue(took);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
