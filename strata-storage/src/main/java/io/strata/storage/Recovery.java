package io.strata.storage;

import io.strata.core.CorruptedDataException;
import io.strata.storage.io.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens a store folder: loads the checkpoint and index files, replays the log after the checkpoint
 * into the memtables, and cuts a torn tail.
 *
 * <p>Only the tail of the newest segment may be cut, and only back to the end of the last whole
 * atomic append. Damage anywhere else (a sealed segment, or a bad record followed by good ones) is
 * reported as {@link CorruptedDataException} and the store does not open: data is never silently
 * dropped. One exception: when the damaged record reaches a page of zeros (a page of the unsynced tail
 * that a power cut lost while a later page was written back: at the record's start, or in its middle),
 * records after it were never acknowledged (they follow the last fsync), so the tail is cut there too. Index files and the checkpoint are derived data: when they are missing or damaged, they
 * are rebuilt from the log.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());

    /** What recovery found; the writer continues from here. */
    record Result(StoreState state, long nextPosition, long lastRecordedMicros, long streams, byte[] chainHash,
                  long replayedRecords, long truncatedBytes) {
    }

    private final StoreConfig config;
    private final FileIO io;
    private final Path logDirectory;
    private final Path indexDirectory;

    Recovery(StoreConfig config) {
        this.config = config;
        this.io = config.fileIO();
        this.logDirectory = config.directory().resolve(EmbeddedEventStore.LOG_DIRECTORY);
        this.indexDirectory = config.directory().resolve(EmbeddedEventStore.INDEX_DIRECTORY);
    }

    Result run() throws IOException {
        io.createDirectories(logDirectory);
        io.createDirectories(indexDirectory);
        List<Segment> segments = openSegments();
        Log log = new Log(segments, EmbeddedEventStore.MAX_RECORD_BYTES);

        Optional<Checkpoint> checkpoint = readCheckpoint(log);
        List<IndexFile> streamFiles = new ArrayList<>();
        List<IndexFile> idFiles = new ArrayList<>();
        if (checkpoint.isPresent() && !openIndexFiles(checkpoint.get(), streamFiles, idFiles)) {
            checkpoint = Optional.empty();
            streamFiles.clear();
            idFiles.clear();
        }
        deleteUnreferencedIndexFiles(checkpoint.map(Checkpoint::indexFiles).orElse(List.of()));

        SparsePositionIndex sparse = new SparsePositionIndex();
        checkpoint.ifPresent(c -> sparse.load(c.sparsePositions()));
        StoreState state = new StoreState(config, log,
                new Index("stream", config.memtableEntries(), config.maxEventsPerAppend(), streamFiles),
                new Index("ids", config.memtableEntries(), config.maxEventsPerAppend(), idFiles), sparse);

        long startPosition = checkpoint.map(Checkpoint::nextPosition).orElse(0L);
        long startAddress = checkpoint.map(Checkpoint::nextAddress).orElse(segments.get(0).baseAddress() + Segment.HEADER_BYTES);
        byte[] startHash = checkpoint.map(Checkpoint::chainHash).orElse(ChainHasher.zero());
        Replay replay = new Replay(state, startPosition, startHash,
                checkpoint.map(Checkpoint::lastRecordedMicros).orElse(0L), checkpoint.map(Checkpoint::streams).orElse(0L));
        replay.run(startAddress);
        state.publishIndexes();
        state.commit(replay.good.nextPosition, log.active().endAddress(), replay.good.lastRecordedMicros, replay.good.streams);
        return new Result(state, replay.good.nextPosition, replay.good.lastRecordedMicros, replay.good.streams,
                replay.good.chainHash, replay.good.nextPosition - startPosition, replay.truncatedBytes);
    }

    private List<Segment> openSegments() throws IOException {
        List<Path> paths = io.list(logDirectory, Segment.SUFFIX);
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            try {
                segments.add(Segment.open(io, paths.get(i), true));
            } catch (Segment.TornHeaderException e) {
                if (i != paths.size() - 1) {
                    throw new CorruptedDataException("segment " + paths.get(i) + " has a damaged header and is not the newest one", e);
                }
                // A crash while the newest segment was being created: it holds nothing acknowledged.
                LOG.warning("removing " + paths.get(i) + ": its header was never completely written");
                io.delete(paths.get(i));
                io.syncDirectory(logDirectory);
            }
        }
        for (int i = 1; i < segments.size(); i++) {
            Segment previous = segments.get(i - 1);
            Segment segment = segments.get(i);
            if (segment.basePosition() <= previous.basePosition() || segment.baseAddress() < previous.endAddress()) {
                throw new CorruptedDataException("segments " + previous + " and " + segment + " overlap or are out of order");
            }
        }
        if (segments.isEmpty()) {
            segments.add(Segment.create(io, logDirectory, 0, 0));
        }
        return segments;
    }

    private Optional<Checkpoint> readCheckpoint(Log log) throws IOException {
        Optional<Checkpoint> checkpoint;
        try {
            checkpoint = Checkpoint.read(io, config.directory());
        } catch (CorruptedDataException e) {
            LOG.warning(e.getMessage() + "; rebuilding the indexes from the log");
            return Optional.empty();
        }
        if (checkpoint.isPresent()) {
            long address = checkpoint.get().nextAddress();
            Segment segment = log.segmentFor(address);
            if (address < segment.baseAddress() || address > segment.endAddress()) {
                LOG.warning("the checkpoint points past the log (address " + address + "); rebuilding the indexes from the log");
                return Optional.empty();
            }
        }
        return checkpoint;
    }

    private boolean openIndexFiles(Checkpoint checkpoint, List<IndexFile> streamFiles, List<IndexFile> idFiles) throws IOException {
        for (String name : checkpoint.indexFiles()) {
            Path path = indexDirectory.resolve(name);
            if (!io.exists(path)) {
                LOG.warning("index file " + path + " is missing; rebuilding the indexes from the log");
                return false;
            }
            try {
                (name.startsWith("stream-") ? streamFiles : idFiles).add(IndexFile.open(io, path));
            } catch (CorruptedDataException e) {
                LOG.log(Level.WARNING, e.getMessage() + "; rebuilding the indexes from the log");
                return false;
            }
        }
        return true;
    }

    private void deleteUnreferencedIndexFiles(List<String> keep) throws IOException {
        boolean deleted = false;
        for (Path path : io.list(indexDirectory, "")) {
            if (!keep.contains(path.getFileName().toString())) {
                io.delete(path);
                deleted = true;
            }
        }
        if (deleted) {
            io.syncDirectory(indexDirectory);
        }
    }

    /** The state at the end of the last whole atomic append seen so far. */
    private static final class Good {
        long nextPosition;
        long endAddress;
        long lastRecordedMicros;
        long streams;
        byte[] chainHash;
    }

    /** Replays records into the memtables, an atomic append at a time. */
    private final class Replay {
        private final StoreState state;
        private final Good good = new Good();
        private final RecordScanner scanner;
        /** Entries of the append being replayed: applied only once its last record is seen. */
        private long[] pending = new long[6 * 64];
        private int pendingCount;
        private long pendingStreams;
        private long truncatedBytes;

        Replay(StoreState state, long position, byte[] hash, long micros, long streams) {
            this.state = state;
            this.scanner = new RecordScanner(position, hash, EmbeddedEventStore.MAX_RECORD_BYTES);
            good.nextPosition = position;
            good.chainHash = hash;
            good.lastRecordedMicros = micros;
            good.streams = streams;
        }

        void run(long startAddress) throws IOException {
            Segment[] segments = state.log.segments();
            Segment first = state.log.segmentFor(startAddress);
            good.endAddress = Math.max(startAddress, first.baseAddress() + Segment.HEADER_BYTES);
            boolean started = false;
            for (int i = 0; i < segments.length; i++) {
                Segment segment = segments[i];
                if (segment == first) {
                    started = true;
                }
                if (!started) {
                    continue;
                }
                // What recovery serves must be durable: the last process may have died before its
                // fsync, leaving records only in the page cache.
                segment.force();
                long from = segment == first ? Math.max(startAddress - segment.baseAddress(), Segment.HEADER_BYTES) : Segment.HEADER_BYTES;
                RecordScanner.Problem problem = scanner.scan(segment, from, this::accept);
                boolean newest = i == segments.length - 1;
                if (problem != null) {
                    if (!newest || (!RecordScanner.lostPageAt(segment, problem.offset(), EmbeddedEventStore.MAX_RECORD_BYTES)
                            && RecordScanner.anyValidRecordAfter(segment, problem.offset(), problem.expectedPosition(),
                            EmbeddedEventStore.MAX_RECORD_BYTES))) {
                        throw new CorruptedDataException("the log is corrupted at " + problem.describe()
                                + "; it is not a torn tail, so nothing was cut. Run 'strata verify' for details");
                    }
                    cutTail(segment, problem.describe());
                } else if (newest && pendingCount > 0) {
                    cutTail(segment, "an atomic append was only partly written");
                }
                if (problem == null && !newest && pendingCount > 0) {
                    throw new CorruptedDataException("segment " + segment + " ends inside an atomic append");
                }
            }
        }

        private void cutTail(Segment segment, String why) throws IOException {
            long keep = Math.max(Segment.HEADER_BYTES, good.endAddress - segment.baseAddress());
            if (good.endAddress < segment.baseAddress()) {
                keep = Segment.HEADER_BYTES;
            }
            truncatedBytes = segment.size() - keep;
            if (RecordScanner.onlyZerosFrom(segment, keep)) {
                LOG.info("cutting " + truncatedBytes + " bytes of zeros (space written ahead of the records) from "
                        + segment.path().getFileName() + " at offset " + keep);
            } else {
                LOG.warning("cutting a torn tail of " + truncatedBytes + " bytes from " + segment.path().getFileName()
                        + " at offset " + keep + " (" + why + ")");
            }
            segment.truncate(keep);
            state.sparse.truncateFrom(good.nextPosition);
            pendingCount = 0;
            pendingStreams = 0;
        }

        private void accept(ByteBuffer buf, int offset, long address) {
            long position = RecordFormat.position(buf, offset);
            long revision = RecordFormat.revision(buf, offset);
            byte flags = RecordFormat.flags(buf, offset);
            byte[] stream = new byte[RecordFormat.streamLength(buf, offset)];
            buf.get(offset + RecordFormat.HEADER_BYTES, stream);
            if ((pendingCount + 1) * 6 > pending.length) {
                pending = Arrays.copyOf(pending, pending.length * 2);
            }
            int at = pendingCount * 6;
            pending[at] = Keys.streamKey(stream);
            pending[at + 1] = revision;
            pending[at + 2] = position;
            pending[at + 3] = address;
            pending[at + 4] = (flags & RecordFormat.CLIENT_ID) != 0 ? Keys.idKey(RecordFormat.id(buf, offset)) : 0;
            pending[at + 5] = flags & RecordFormat.CLIENT_ID;
            pendingCount++;
            if (revision == 0) {
                pendingStreams++;
            }
            if ((flags & RecordFormat.BATCH_LAST) != 0) {
                good.nextPosition = position + 1;
                good.endAddress = address + 4 + buf.getInt(offset);
                good.lastRecordedMicros = RecordFormat.recordedMicros(buf, offset);
                good.chainHash = scanner.chainHash();
                good.streams += pendingStreams;
                applyPending();
            }
        }

        private void applyPending() {
            for (int i = 0; i < pendingCount; i++) {
                int at = i * 6;
                state.streamIndex.add(pending[at], pending[at + 1], pending[at + 2], pending[at + 3]);
                if (pending[at + 5] != 0) {
                    state.idIndex.add(pending[at + 4], pending[at + 2], pending[at + 2], pending[at + 3]);
                }
                state.sparse.maybeAdd(pending[at + 2], pending[at + 3], good.lastRecordedMicros);
            }
            pendingStreams = 0;
            pendingCount = 0;
            if (state.streamIndex.needsFlush() || state.idIndex.needsFlush()) {
                try {
                    Checkpointer.writeNow(state, new Checkpointer.Job(good.nextPosition, good.endAddress, good.chainHash,
                            good.lastRecordedMicros, good.streams, state.sparse.snapshot()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }
}
