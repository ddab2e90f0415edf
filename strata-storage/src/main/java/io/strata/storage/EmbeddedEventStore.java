package io.strata.storage;

import io.strata.core.AllSlice;
import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StoreInfo;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StreamNames;
import io.strata.core.StreamSlice;
import io.strata.core.StrataException;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.core.TooLargeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded engine: an {@link EventStore} in a local folder.
 *
 * <pre>
 *  DIR/
 *    LOCK                         held while a process has the store open
 *    checkpoint                   what the index files cover (replay starts after it)
 *    log/00000000000000000000.log segments, named by first position
 *    index/stream-….idx           stream key → revision → position, address
 *    index/ids-….idx              client event id → position (idempotent appends)
 * </pre>
 *
 * <p>One writer thread appends with group commit ({@link Writer}); beside it, in durability fsync, a
 * {@link Syncer} fsyncs large batches (ADR 0004), and a {@link Checkpointer} writes full memtables out
 * as index files (ADR 0007). Reads never lock and see only committed events. Thread-safe.
 */
public final class EmbeddedEventStore implements EventStore {
    static final String LOG_DIRECTORY = "log";
    static final String INDEX_DIRECTORY = "index";
    static final String LOCK_FILE = "LOCK";
    /** The format's hard limit on one record, whatever the configured event limit. */
    static final int MAX_RECORD_BYTES = (64 << 20) + 4096;
    static final String VERSION = "0.1.0";

    private final StoreConfig config;
    private final StoreState state;
    private final StoreReader reader;
    private final Writer writer;
    private final IdGenerator idGenerator = new IdGenerator();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Instant startedAt = Instant.now();
    private final Set<EmbeddedSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final LiveDelivery live;
    private final long replayedRecords;
    private final long truncatedBytes;
    private volatile boolean closed;

    private EmbeddedEventStore(StoreConfig config, FileChannel lockChannel, FileLock lock, Recovery.Result recovered) {
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.state = recovered.state();
        this.reader = new StoreReader(state);
        this.live = new LiveDelivery(state);
        this.replayedRecords = recovered.replayedRecords();
        this.truncatedBytes = recovered.truncatedBytes();
        this.writer = new Writer(state, reader, recovered.nextPosition(), recovered.lastRecordedMicros(),
                recovered.streams(), recovered.chainHash());
        this.writer.start();
    }

    /**
     * Opens the store in {@code config.directory()}, creating it when missing and recovering it when
     * it was not closed cleanly.
     *
     * @throws StoreUnavailableException      another process has it open, or it cannot be read
     * @throws io.strata.core.CorruptedDataException damage other than a torn tail was found
     */
    public static EmbeddedEventStore open(StoreConfig config) {
        if (config.maxEventBytes() > MAX_RECORD_BYTES - 4096) {
            throw new IllegalArgumentException("maxEventBytes is at most " + (MAX_RECORD_BYTES - 4096));
        }
        Path directory = config.directory();
        FileChannel channel = null;
        try {
            config.fileIO().createDirectories(directory);
            channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreUnavailableException("the store at " + directory + " is already open (by this or another process)");
            }
            try {
                return new EmbeddedEventStore(config, channel, lock, new Recovery(config).run());
            } catch (RuntimeException | IOException e) {
                lock.release();
                throw e;
            }
        } catch (IOException | UncheckedIOException e) {
            closeQuietly(channel);
            throw new StoreUnavailableException("cannot open the store at " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Whether {@code directory} holds a store (its log folder), so that reading never creates one. */
    public static boolean exists(Path directory) {
        return java.nio.file.Files.isDirectory(directory.resolve(LOG_DIRECTORY));
    }

    /** Whether the next segment will start from a prepared spare file (ADR 0008); for tests. */
    boolean spareSegmentReady() {
        return writer.spareSegmentReady();
    }

    /** Records replayed from the log when the store opened (those after the last checkpoint). */
    public long replayedRecords() {
        return replayedRecords;
    }

    /** Bytes of a torn tail cut when the store opened; 0 after a clean close. */
    public long truncatedBytes() {
        return truncatedBytes;
    }

    public StoreConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
        try {
            ensureOpen();
            Objects.requireNonNull(expected, "expected");
            validate(stream, events);
            AppendRequest request = new AppendRequest(stream, expected, events, idGenerator);
            writer.submit(request);
            return request.future;
        } catch (StrataException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void validate(String stream, List<EventData> events) {
        StreamNames.checkWritableStream(stream);
        if (events == null || events.isEmpty()) {
            throw new InvalidRequestException("an append needs at least one event");
        }
        if (events.size() > config.maxEventsPerAppend()) {
            throw new TooLargeException("the number of events in one append", config.maxEventsPerAppend(), events.size());
        }
        Set<java.util.UUID> ids = null; // made only for an append with an id, to find ids given twice
        for (EventData event : events) {
            Objects.requireNonNull(event, "event");
            StreamNames.checkType(event.type());
            long bytes = (long) event.data().length + event.metadata().length;
            if (bytes > config.maxEventBytes()) {
                throw new TooLargeException("an event's data and metadata (type " + event.type() + ")",
                        config.maxEventBytes(), bytes);
            }
            String contentType = event.contentType();
            if (!isPrintableAscii(contentType) || contentType.isBlank() || contentType.length() > 255) {
                throw new InvalidRequestException("content type must be 1 to 255 printable ASCII characters, got '" + contentType + "'");
            }
            if (event.id().isPresent() && events.size() > 1) {
                if (ids == null) {
                    ids = new java.util.HashSet<>();
                }
                if (!ids.add(event.id().get())) {
                    throw new InvalidRequestException("event id " + event.id().get() + " appears twice in one append");
                }
            }
            if (event.validTime().isPresent()) {
                try {
                    RecordFormat.toMicros(event.validTime().get());
                } catch (ArithmeticException e) {
                    throw new InvalidRequestException("valid time is out of range: " + event.validTime().get());
                }
            }
        }
    }

    private static boolean isPrintableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 32 || c >= 127) {
                return false;
            }
        }
        return true;
    }

    @Override
    public StreamSlice readStream(String stream, ReadStreamOptions options) {
        ensureOpen();
        StreamNames.checkStream(stream);
        return reader.readStream(stream, options);
    }

    @Override
    public AllSlice readAll(ReadAllOptions options) {
        ensureOpen();
        return reader.readAll(options);
    }

    @Override
    public Subscription subscribeToStream(String stream, long fromRevision, SubscriptionListener listener) {
        ensureOpen();
        StreamNames.checkStream(stream);
        if (fromRevision < 0) {
            throw new InvalidRequestException("a subscription starts at revision 0 or later, got " + fromRevision);
        }
        return start(EmbeddedSubscription.toStream(state, reader, live, stream, fromRevision, listener, subscriptions::remove));
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, EventFilter filter, SubscriptionListener listener) {
        ensureOpen();
        if (fromPosition < 0) {
            throw new InvalidRequestException("a subscription starts at position 0 or later, got " + fromPosition);
        }
        return start(EmbeddedSubscription.toAll(state, reader, live, fromPosition, filter, listener, subscriptions::remove));
    }

    private Subscription start(EmbeddedSubscription subscription) {
        subscriptions.add(subscription);
        subscription.start();
        return subscription;
    }

    @Override
    public StoreInfo info() {
        long next = state.committedNextPosition();
        Optional<Position> head = next > 0 ? Optional.of(Position.of(next - 1)) : Optional.empty();
        return new StoreInfo(VERSION, "embedded", config.durability(), head, state.streams(), next, startedAt,
                config.dedupWindow(), config.dedupWindowEvents());
    }

    /** The position the next appended event will get; all below it are readable. */
    public long headPositionExclusive() {
        return state.committedNextPosition();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (EmbeddedSubscription subscription : List.copyOf(subscriptions)) {
            subscription.endBecauseStoreClosed();
        }
        live.close();
        writer.close();
        for (Segment segment : state.log.segments()) {
            try {
                segment.close();
            } catch (IOException e) {
                // closing read handles; nothing left to lose
            }
        }
        try {
            lock.release();
        } catch (IOException e) {
            // the lock goes with the channel anyway
        }
        closeQuietly(lockChannel);
        Throwable fatal = writer.fatal();
        if (fatal != null) {
            throw new StoreUnavailableException("the store closed after a write failure: " + fatal.getMessage(), fatal);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreUnavailableException("the store at " + config.directory() + " is closed");
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
