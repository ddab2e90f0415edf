package io.strata.storage;

import io.strata.storage.io.FileIO;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * command that appends a few events) never spends a segment of disk and writes on it.
 *
 * <p>Design note: zeros written ahead by the writer itself (ADR 0005, 1 MiB at a time) made W3's writer
 * spend two thirds of its CPU taking new pages into the page cache (~2.8 ms of CPU per MB on this VM),
 * and every fsync also wrote back the zeros ahead. With a whole segment zero-filled first, one W3 run
 * showed log fsyncs at p90 0.285 ms (0.6-0.9 ms otherwise) and ~680,000 events/s between the fills. With
 * this thread, W3 went from 449-502 K to 702-746 K events/s in four interleaved pairs; in durability
 * batched (no zeros written ahead by the writer there, so every write took new pages) from 633 and 688 K to
 * 922 and 992 K.
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

    private final FileIO io;
    private final Path path;
    private final long bytes;

    /** Writer only: asked for since the last {@link #take}, so later calls need not take the lock. */
    private boolean requested;
    /** Set by {@link #close}: a spare being made is abandoned. */
    private volatile boolean stopping;
    // Guarded by lock:
    private boolean wanted;
    private boolean preparing;
    private boolean ready;

    SpareSegment(FileIO io, Path logDirectory, long bytes) {
        super("strata-spare-segment");
        this.io = io;
        this.path = logDirectory.resolve(FILE_NAME);
        this.bytes = bytes;
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
        try (StorageFile file = io.open(path, true)) {
            file.truncate(0);
            for (long at = 0; at < bytes; ) {
                if (stopping) {
                    throw new IOException("the store is closing");
                }
                ByteBuffer zeros = ZEROS.duplicate();
                zeros.limit((int) Math.min(zeros.capacity(), bytes - at));
                int n = zeros.remaining();
                file.write(zeros, at);
                at += n;
            }
            file.force();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "could not prepare a spare segment; the next roll creates its segment", e);
            deleteQuietly();
            return false;
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
