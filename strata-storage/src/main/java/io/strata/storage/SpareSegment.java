package io.strata.storage;

import io.strata.storage.io.FileIO;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Durability fsync and batched: keeps the next segment's file ready, a whole segment of zeros written and fsync'd
 * on a thread of its own, so that the writer rolls onto it ({@link Segment#create}) and only ever
 * overwrites pages already in the page cache and blocks already on disk (ADR 0008).
 *
 * <pre>
 *  writer:        active segment a quarter full: prepareNext()
 *  spare thread:      └─► [create log/spare-segment.tmp · zeros to segmentBytes · fsync] ─ ready
 *  writer, roll:                                                take() ─► rename to 000…N.log · header · fsync
 *                                                                         · folder fsync
 * </pre>
 *
 * <p>Made only once the active segment is a quarter full, so that a store that writes little (a test, a
 * command that appends a few events) never spends a segment of disk and writes on it; and for a large
 * segment only while the log grows at least {@link #NO_SPARE_BELOW_BYTES_PER_SECOND} (the writer asks
 * {@link #isWorthMaking}), as a slow log's fsyncs are held up more by the spare's than helped by it.
 *
 * <p>Design note: zeros written ahead by the writer itself (ADR 0005, 1 MiB at a time) made W3's writer
 * spend two thirds of its CPU taking new pages into the page cache (~2.8 ms of CPU per MB on this VM),
 * and every fsync also wrote back the zeros ahead. With a whole segment zero-filled first, one W3 run
 * showed log fsyncs at p90 0.285 ms (0.6-0.9 ms otherwise) and ~680,000 events/s between the fills. With
 * this thread, W3 went from 449-502 K to 702-746 K events/s in four interleaved pairs; in durability
 * batched (no zeros written ahead by the writer there, so every write took new pages) from 633 and 688 K to
 * 922 and 992 K.
 *
 * <p>Paced (segments of at least {@link #PACED_FROM_BYTES}): the spare is written at twice the log's pace
 * from when it was asked for, a chunk ahead, so that it is whole once the log has grown by half a segment
 * (the quarter mark to three quarters). While it is ahead it fsyncs each chunk and waits for the log.
 * Why: every fsync on this virtual disk flushes everything written before it, so one fsync of a whole
 * segment of zeros held the log's fsyncs for its 110-180 ms: in W6 embedded (3.3 MB/s of log) that one
 * stall set p99 (2026-11-29: a 125 ms spare fsync held two log fsyncs 57 and 53 ms, p99 32-50 ms).
 * Chunks of {@link #CHUNK_BYTES} hold them a few ms at a time instead. A log that grows faster than
 * {@link #SLOW_LOG_BYTES_PER_SECOND} (W3: ~330 MB/s), or faster than the spare can be written, gets it
 * flat out with one fsync at the end, as before: its fsyncs are few and large anyway.
 *
 * <p>Nothing here is log data: a failure (a full disk, say) deletes the file and leaves the writer to
 * create its next segment as before; a crash leaves a file that the next open's spare overwrites.
 *
 * <p>Thread rule: the writer calls {@link #take}, {@link #prepareNext} and {@link #close}.
 */
final class SpareSegment extends EngineThread {
    static final String FILE_NAME = "spare-segment.tmp";
    private static final Logger LOG = Logger.getLogger(SpareSegment.class.getName());
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();
    /** Zeros written (and, when ahead of the log, fsync'd) at a time. */
    static final long CHUNK_BYTES = 8L << 20;
    /** Smaller segments (tests, mostly) are written at once, as there is little to spread. */
    static final long PACED_FROM_BYTES = 8 * CHUNK_BYTES;
    private static final long WAIT_FOR_LOG_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * A log growing faster gets its spare flat out, with one fsync: pacing W3 (~330 MB/s of log) fsync'd a
     * chunk every ~12 ms, which cost it 931-999 K events/s against 957-1,132 K (three pairs, 2026-11-29).
     * W2 (~45 MB/s) and W6 (~3.3 MB/s) stay below it.
     */
    static final long SLOW_LOG_BYTES_PER_SECOND = 100L << 20;
    /**
     * A log growing slower gets no spare of a large segment: the writer zero-fills its segment a window at
     * a time instead (ADR 0005), as it does the first segment of a new store. At W6's 3.3 MB/s a paced
     * chunk's fsync held a log fsync 5-11 ms about once a second; without the spare, one embedded W6 run
     * had 14 log fsyncs over 5 ms against 24. W6's p99 over gRPC was lower without it in 8 of 12
     * interleaved pairs, which is no clear signal through this disk's own stalls (ADR 0008, "No spare for
     * a slow log"). W2 (~45 MB/s) keeps its paced spare.
     */
    static final long NO_SPARE_BELOW_BYTES_PER_SECOND = 16L << 20;

    private final FileIO io;
    private final Path path;
    private final long bytes;
    /** How far the log has been written (its committed end address, which only grows). */
    private final LongSupplier logEnd;

    /** Writer only: asked for since the last {@link #take}, so later calls need not take the lock. */
    private boolean requested;
    /** Set by {@link #close}: a spare being made is abandoned. */
    private volatile boolean stopping;
    // Guarded by lock:
    private boolean wanted;
    private boolean preparing;
    private boolean ready;

    SpareSegment(FileIO io, Path logDirectory, long bytes, LongSupplier logEnd) {
        super("strata-spare-segment");
        this.io = io;
        this.path = logDirectory.resolve(FILE_NAME);
        this.bytes = bytes;
        this.logEnd = logEnd;
    }

    /** The ready spare's path, which the caller now owns (it renames it), or null when none is ready; never waits. */
    Path take() {
        lock.lock();
        try {
            requested = false; // the segment rolled to (with or without this spare) asks again when a quarter full
            if (!ready) {
                return null;
            }
            ready = false;
            return path;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a spare is ready for the next roll. */
    boolean isReady() {
        lock.lock();
        try {
            return ready;
        } finally {
            lock.unlock();
        }
    }

    /** Asks for the next spare, unless one is ready or being made. Cheap when so: called after each write. */
    void prepareNext() {
        if (requested) {
            return;
        }
        lock.lock();
        try {
            if (!ready && !preparing) {
                wanted = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        requested = true;
    }

    /** Stops the thread and deletes the spare. */
    @Override
    void close() {
        stopping = true;
        super.close();
        lock.lock();
        try {
            if (ready) {
                ready = false;
                deleteQuietly();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        while (true) {
            lock.lock();
            try {
                while (!wanted && !closing) {
                    changed.awaitUninterruptibly();
                }
                if (closing) {
                    return;
                }
                wanted = false;
                preparing = true;
            } finally {
                lock.unlock();
            }
            boolean made = make();
            lock.lock();
            try {
                preparing = false;
                ready = made;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Writes the spare: zeros to the segment's size, fsync'd. On failure deletes it and returns false. */
    private boolean make() {
        long logAtStart = logEnd.getAsLong();
        long startNanos = System.nanoTime();
        boolean paced = bytes >= PACED_FROM_BYTES;
        try (StorageFile file = io.open(path, true)) {
            file.truncate(0);
            long synced = 0;
            for (long at = 0; at < bytes; ) {
                long chunkEnd = Math.min(bytes, at + (paced ? CHUNK_BYTES : bytes));
                for (; at < chunkEnd; ) {
                    checkStopping();
                    ByteBuffer zeros = ZEROS.duplicate();
                    zeros.limit((int) Math.min(zeros.capacity(), chunkEnd - at));
                    int n = zeros.remaining();
                    file.write(zeros, at);
                    at += n;
                }
                long logGrowth = logEnd.getAsLong() - logAtStart;
                if (paced && isSlow(logGrowth, System.nanoTime() - startNanos) && isAheadOfLog(at, bytes, logGrowth)) {
                    file.force(); // a chunk's flush holds the log's fsyncs a few ms, not the whole segment's
                    synced = at;
                    while (at < bytes && isAheadOfLog(at, bytes, logEnd.getAsLong() - logAtStart)) {
                        checkStopping();
                        LockSupport.parkNanos(this, WAIT_FOR_LOG_NANOS);
                    }
                }
            }
            if (synced < bytes) {
                file.force();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "could not prepare a spare segment; the next roll creates its segment", e);
            deleteQuietly();
            return false;
        }
    }

    /**
     * Whether a spare of a segment of {@code segmentBytes} is worth making for a log whose active segment
     * grew {@code segmentGrowth} bytes in {@code nanos}: always for a small segment (tests, mostly), else
     * unless the log grows slower than {@link #NO_SPARE_BELOW_BYTES_PER_SECOND}. A log that speeds up is
     * asked about again after each write.
     */
    static boolean isWorthMaking(long segmentBytes, long segmentGrowth, long nanos) {
        return segmentBytes < PACED_FROM_BYTES || segmentGrowth >= (double) NO_SPARE_BELOW_BYTES_PER_SECOND * nanos / 1e9;
    }

    /** Whether a log that grew {@code logGrowth} bytes in {@code nanos} is slow enough to pace the spare to. */
    static boolean isSlow(long logGrowth, long nanos) {
        return logGrowth < (double) SLOW_LOG_BYTES_PER_SECOND * nanos / 1e9;
    }

    /**
     * Whether a spare with {@code written} of its {@code bytes} made is ahead of a log that has grown by
     * {@code logGrowth} since the spare was asked for: it keeps to twice the log's pace, a chunk ahead.
     */
    static boolean isAheadOfLog(long written, long bytes, long logGrowth) {
        long due = Math.min(bytes, 2 * Math.max(0, logGrowth) + CHUNK_BYTES);
        return written >= due;
    }

    private void checkStopping() throws IOException {
        if (stopping) {
            throw new IOException("the store is closing");
        }
    }

    private void deleteQuietly() {
        try {
            if (io.exists(path)) {
                io.delete(path);
            }
        } catch (IOException e) {
            // the next spare overwrites it
        }
    }
}
