package io.strata.storage;

import io.strata.core.Durability;
import io.strata.storage.io.FileIO;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an embedded store. Build with {@link #builder(Path)}; every setting but the folder has
 * a default suitable for production.
 */
public final class StoreConfig {
    private final Path directory;
    private final Durability durability;
    private final long segmentBytes;
    private final int maxEventBytes;
    private final int maxEventsPerAppend;
    private final Duration dedupWindow;
    private final long dedupWindowEvents;
    private final int memtableEntries;
    private final Duration batchedFsyncInterval;
    private final int writeQueueCapacity;
    private final int pipelinedBatchBytes;
    private final int syncSliceBytes;
    private final int preallocateBytes;
    private final boolean spareSegment;
    private final int cachedSegments;
    private final FileIO fileIO;
    private final SyncObserver syncObserver;

    private StoreConfig(Builder b) {
        this.directory = b.directory;
        this.durability = b.durability;
        this.segmentBytes = b.segmentBytes;
        this.maxEventBytes = b.maxEventBytes;
        this.maxEventsPerAppend = b.maxEventsPerAppend;
        this.dedupWindow = b.dedupWindow;
        this.dedupWindowEvents = b.dedupWindowEvents;
        this.memtableEntries = b.memtableEntries;
        this.batchedFsyncInterval = b.batchedFsyncInterval;
        this.writeQueueCapacity = b.writeQueueCapacity;
        this.pipelinedBatchBytes = b.pipelinedBatchBytes;
        this.syncSliceBytes = b.syncSliceBytes;
        this.preallocateBytes = b.preallocateBytes;
        this.spareSegment = b.spareSegment;
        this.cachedSegments = b.cachedSegments;
        this.fileIO = b.fileIO;
        this.syncObserver = b.syncObserver;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The data folder; created when missing. */
    public Path directory() {
        return directory;
    }

    public Durability durability() {
        return durability;
    }

    /** A segment is sealed and a new one started once it reaches this size (default 256 MiB). */
    public long segmentBytes() {
        return segmentBytes;
    }

    /** The largest data + metadata of one event (default 1 MiB). */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /** The most events in one append (default 10,000). */
    public int maxEventsPerAppend() {
        return maxEventsPerAppend;
    }

    /** Event ids are remembered for idempotent appends this long (default 24 h)... */
    public Duration dedupWindow() {
        return dedupWindow;
    }

    /** ...or for this many of the latest events, whichever is less (default 10 million). */
    public long dedupWindowEvents() {
        return dedupWindowEvents;
    }

    /** Index entries kept in memory before they are written to an index file (default 1 million). */
    public int memtableEntries() {
        return memtableEntries;
    }

    /** In {@link Durability#BATCHED} mode, the longest time between fsyncs (default 10 ms). */
    public Duration batchedFsyncInterval() {
        return batchedFsyncInterval;
    }

    /** Appends waiting for the writer before callers block (default 65,536). */
    public int writeQueueCapacity() {
        return writeQueueCapacity;
    }

    /**
     * In {@link Durability#FSYNC} mode, batches of at least this many bytes are fsync'd by a second thread
     * while the writer goes on with the next (default 64 KiB; 0: every batch). See ADR 0004.
     */
    public int pipelinedBatchBytes() {
        return pipelinedBatchBytes;
    }

    /**
     * In {@link Durability#FSYNC} mode, when the fsync thread is idle as the writer takes a batch, the
     * writer hands it the batch's first appends once they hold at least this many bytes (and at least
     * {@link #pipelinedBatchBytes()}), and writes the rest while that fsync runs (default 128 KiB; 0: never
     * split a batch). Appends are never split. See ADR 0004.
     */
    public int syncSliceBytes() {
        return syncSliceBytes;
    }

    /**
     * In {@link Durability#FSYNC} mode, how far ahead of the records the newest segment is zero-filled
     * (default 1 MiB; 0: never), so that most fsyncs need not commit a new file size. Only small writes
     * (a quarter of this or less) extend it: for large batches the fsync is shared by many events anyway,
     * and writing zeros first would double the bytes written.
     */
    public int preallocateBytes() {
        return preallocateBytes;
    }

    /**
     * Durability {@code fsync} or {@code batched} with {@link #preallocateBytes()} above 0: whether a thread keeps the next
     * segment's file ready, zero-filled and fsync'd, so that a roll starts a segment whose zeros are already
     * written (ADR 0008). Costs one segment of disk ({@link #segmentBytes()}) for the spare file. Default on.
     */
    public boolean spareSegment() {
        return spareSegment;
    }

    /**
     * Durability {@code fsync} or {@code batched}: how many sealed segments, the newest ones, keep their pages
     * in the operating system's page cache; the pages of older ones are let go at the roll that makes them
     * older (ADR 0009), and reads of them come from the disk. Default 2 (with the active segment and the
     * spare, ~1 GiB of cache at the default segment size); {@link Integer#MAX_VALUE}: leave it all to the
     * operating system.
     */
    public int cachedSegments() {
        return cachedSegments;
    }

    /** The file-I/O layer; tests swap in one that injects faults. */
    public FileIO fileIO() {
        return fileIO;
    }

    /** Told of every fsync of the log by the writer (default: nobody). */
    public SyncObserver syncObserver() {
        return syncObserver;
    }

    /**
     * Hears how long the writer's fsyncs of the log take, e.g. to export them as a metric; the engine
     * itself keeps no statistics.
     *
     * <p>Called on the writer thread right after each successful fsync of a log segment, before the
     * appends it made durable are acknowledged: it must be quick (it delays them) and thread-safe if
     * it shares state with other threads. An exception it throws is ignored: it never stops the
     * writer. Not reported: fsyncs of index and checkpoint files, and the one of recovery on open.
     */
    @FunctionalInterface
    public interface SyncObserver {
        /** The default: hears nothing. */
        SyncObserver NONE = (nanos, appends) -> {
        };

        /**
         * One fsync of the log took {@code nanos}. {@code appends} is how many appends it made durable:
         * the group commit's size in {@code fsync} mode, the appends since the previous fsync in
         * {@code batched} mode. The fsync that seals a full segment reports 0 and leaves its appends to
         * the next one, so that summed over all calls each append that wrote events counts once
         * (an idempotent retry that wrote nothing does not count).
         */
        void synced(long nanos, int appends);
    }

    public static final class Builder {
        private final Path directory;
        private Durability durability = Durability.FSYNC;
        private long segmentBytes = 256L << 20;
        private int maxEventBytes = 1 << 20;
        private int maxEventsPerAppend = 10_000;
        private Duration dedupWindow = Duration.ofHours(24);
        private long dedupWindowEvents = 10_000_000L;
        private int memtableEntries = 1 << 20;
        private Duration batchedFsyncInterval = Duration.ofMillis(10);
        private int writeQueueCapacity = 1 << 16;
        private int pipelinedBatchBytes = 64 << 10;
        private int syncSliceBytes = 128 << 10;
        private int preallocateBytes = 1 << 20;
        private boolean spareSegment = true;
        private int cachedSegments = 2;
        private FileIO fileIO = FileIO.standard();
        private SyncObserver syncObserver = SyncObserver.NONE;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability);
            return this;
        }

        public Builder segmentBytes(long segmentBytes) {
            if (segmentBytes < 4096) {
                throw new IllegalArgumentException("segmentBytes must be at least 4096");
            }
            this.segmentBytes = segmentBytes;
            return this;
        }

        public Builder maxEventBytes(int maxEventBytes) {
            this.maxEventBytes = maxEventBytes;
            return this;
        }

        public Builder maxEventsPerAppend(int maxEventsPerAppend) {
            this.maxEventsPerAppend = maxEventsPerAppend;
            return this;
        }

        public Builder dedupWindow(Duration dedupWindow) {
            this.dedupWindow = Objects.requireNonNull(dedupWindow);
            return this;
        }

        public Builder dedupWindowEvents(long dedupWindowEvents) {
            this.dedupWindowEvents = dedupWindowEvents;
            return this;
        }

        public Builder memtableEntries(int memtableEntries) {
            if (memtableEntries < 16) {
                throw new IllegalArgumentException("memtableEntries must be at least 16");
            }
            this.memtableEntries = memtableEntries;
            return this;
        }

        public Builder batchedFsyncInterval(Duration interval) {
            this.batchedFsyncInterval = Objects.requireNonNull(interval);
            return this;
        }

        public Builder writeQueueCapacity(int capacity) {
            this.writeQueueCapacity = capacity;
            return this;
        }

        public Builder pipelinedBatchBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("pipelinedBatchBytes must be 0 or more: " + bytes);
            }
            this.pipelinedBatchBytes = bytes;
            return this;
        }

        public Builder syncSliceBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("syncSliceBytes must be 0 or more: " + bytes);
            }
            this.syncSliceBytes = bytes;
            return this;
        }

        public Builder preallocateBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("preallocateBytes must be 0 or more: " + bytes);
            }
            this.preallocateBytes = bytes;
            return this;
        }

        public Builder spareSegment(boolean spareSegment) {
            this.spareSegment = spareSegment;
            return this;
        }

        public Builder cachedSegments(int cachedSegments) {
            if (cachedSegments < 0) {
                throw new IllegalArgumentException("cachedSegments must be 0 or more: " + cachedSegments);
            }
            this.cachedSegments = cachedSegments;
            return this;
        }

        public Builder fileIO(FileIO fileIO) {
            this.fileIO = Objects.requireNonNull(fileIO);
            return this;
        }

        public Builder syncObserver(SyncObserver observer) {
            this.syncObserver = Objects.requireNonNull(observer);
            return this;
        }

        public StoreConfig build() {
            return new StoreConfig(this);
        }
    }
}
