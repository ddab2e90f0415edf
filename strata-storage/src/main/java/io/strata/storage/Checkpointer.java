package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes frozen memtables out as index files, then the {@link Checkpoint} that names them, on a thread
 * of its own while the writer goes on appending (ADR 0007).
 *
 * <pre>
 *  writer:        ... [batch] [log durable to P · freeze memtables · begin(P)] [batch] [batch] [batch] ...
 *                                                           │
 *  checkpointer:                                            └─► [sort · write · fsync index files · install]
 *                                                                [write checkpoint "indexes cover < P"]
 * </pre>
 *
 * <p>Design note: on the writer, a checkpoint of a million entries (sort, write 34 MB, fsync) stopped
 * every append for 140-190 ms, once per 1,048,576 events: in W3, 13 such gaps in a 26 s run (JFR
 * {@code jdk.FileForce}: no log fsync for that long), and 13 % of the writer's CPU samples in W2.
 *
 * <p>Rules that keep it safe: the writer freezes only after the log up to P is durable, and captures the
 * chain hash, time, stream count and sparse positions at P then, so the checkpoint describes a durable
 * prefix exactly. Index files are installed before the checkpoint naming them is written, and only this
 * thread (or the writer, once this one is idle) writes either. A job that fails leaves its frozen memtables
 * in place, still read; the writer retries it on its own thread before it freezes again, and refuses
 * appends (disk full) while that fails and the memtables have no room.
 *
 * <p>Thread rule: the writer calls {@link #begin}, {@link #finishPrevious} and {@link #close}; the
 * checkpointer's own thread runs the jobs.
 */
final class Checkpointer extends EngineThread {
    /** What a checkpoint at {@code nextPosition} records; see {@link Checkpoint}. */
    record Job(long nextPosition, long nextAddress, byte[] chainHash, long lastRecordedMicros, long streams,
               long[] sparsePositions) {
    }

    private final StoreState state;

    // Guarded by lock:
    private Job next;
    private boolean running;
    /** The last job, when it failed: its frozen memtables wait to be written again. */
    private Job failed;

    Checkpointer(StoreState state) {
        super("strata-checkpointer");
        this.state = state;
    }

    /**
     * Writes the memtables frozen for {@code job} out in the background. Call only after
     * {@link #finishPrevious} returned and the memtables were frozen.
     */
    void begin(Job job) {
        lock.lock();
        try {
            if (next != null || running || failed != null) {
                throw new IllegalStateException("a checkpoint is still in progress or failed");
            }
            next = job;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the checkpoint in progress; when it (or an earlier one) failed, tries it again on the
     * calling thread. Returns once nothing is frozen; throws when the retry fails too.
     */
    void finishPrevious() throws IOException {
        Job retry;
        lock.lock();
        try {
            while (next != null || running) {
                changed.awaitUninterruptibly();
            }
            retry = failed;
        } finally {
            lock.unlock();
        }
        if (retry == null) {
            return;
        }
        write(state, retry); // throws, and the job stays failed, when it fails again
        lock.lock();
        try {
            failed = null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        while (true) {
            Job job;
            lock.lock();
            try {
                while (next == null && !closing) {
                    changed.awaitUninterruptibly();
                }
                if (next == null) {
                    return;
                }
                job = next;
                next = null;
                running = true;
            } finally {
                lock.unlock();
            }
            boolean written = false;
            try {
                write(state, job);
                written = true;
            } catch (IOException | RuntimeException e) {
                // The writer retries the job before it freezes again, and reports what fails then.
            }
            lock.lock();
            try {
                running = false;
                failed = written ? null : job;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Writes what is frozen of both indexes out as index files, then the checkpoint naming every index
     * file. Safe to repeat after a failure at any step.
     */
    static void write(StoreState state, Job job) throws IOException {
        StoreConfig config = state.config;
        Path indexDirectory = config.directory().resolve(EmbeddedEventStore.INDEX_DIRECTORY);
        state.streamIndex.writeFrozen(config.fileIO(), indexDirectory, job.nextPosition());
        state.idIndex.writeFrozen(config.fileIO(), indexDirectory, job.nextPosition());
        List<String> files = new ArrayList<>();
        for (IndexFile file : state.streamIndex.files()) {
            files.add(file.path().getFileName().toString());
        }
        for (IndexFile file : state.idIndex.files()) {
            files.add(file.path().getFileName().toString());
        }
        new Checkpoint(job.nextPosition(), job.nextAddress(), job.chainHash(), job.lastRecordedMicros(), job.streams(),
                files, job.sparsePositions()).write(config.fileIO(), config.directory());
    }

    /** A checkpoint at once, on the calling thread (recovery's replay): freezes, then writes. */
    static void writeNow(StoreState state, Job job) throws IOException {
        state.streamIndex.freeze();
        state.idIndex.freeze();
        write(state, job);
    }
}
