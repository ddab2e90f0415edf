package io.strata.eventsourcing.projection;

import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.Position;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import io.strata.core.WrongExpectedRevisionException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints kept in the event store itself, as events: for read models that are durable somewhere
 * without transactions shared with the checkpoint (a search index, a cache, files), or when no
 * database is at hand.
 *
 * <pre>
 *   projection-checkpoint-&lt;name&gt;-v&lt;version&gt;   ProjectionCheckpoint {"position":1234}   one per write
 *   projection-versions-&lt;name&gt;                 ProjectionVersionActivated {"version":2,"sideEffectsThrough":1200}
 * </pre>
 *
 * <p>Guarantee: at least once. A checkpoint is written when {@code everyEvents} positions or
 * {@code interval} have passed since the last write (and on a graceful stop), not per event: writing
 * one per event would double the log. After a crash, the events after the last written checkpoint
 * are applied again: at most {@code everyEvents} positions, or what arrived within {@code interval}.
 * Handlers must tolerate that (idempotent writes, or {@link IdempotentHandler}).
 *
 * <p>These streams are bookkeeping: runners skip their events ({@link #isBookkeeping}), so a
 * projection of {@code $all} does not see them and they do not count as progress (else an idle
 * runner would write a checkpoint about its own checkpoint, forever). The names
 * {@code projection-checkpoint-*} and {@code projection-versions-*} are reserved for this.
 * Each checkpoint stream grows by one small event per write; the store has no truncation yet.
 *
 * <p>Two runners of one version are detected, not tolerated: a checkpoint is appended with the
 * expected revision of the previous one, and a mismatch stops the runner
 * ({@link CheckpointConflictException}).
 *
 * <p>Thread-safe.
 */
public final class EventStoreCheckpointStore implements CheckpointStore<ProjectionContext> {
    public static final String CHECKPOINT_STREAM_PREFIX = "projection-checkpoint-";
    public static final String VERSIONS_STREAM_PREFIX = "projection-versions-";
    static final String CHECKPOINT_TYPE = "ProjectionCheckpoint";
    static final String ACTIVATED_TYPE = "ProjectionVersionActivated";
    private static final Pattern POSITION = Pattern.compile("\"position\"\\s*:\\s*(-?\\d+)");
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
    private static final Pattern EFFECTS_THROUGH = Pattern.compile("\"sideEffectsThrough\"\\s*:\\s*(-?\\d+)");

    private final EventStore store;
    private final long everyEvents;
    private final Duration interval;
    /** Active versions as last read or written here; re-read after {@link #interval}. */
    private final Map<String, CachedVersion> versions = new ConcurrentHashMap<>();

    private record CachedVersion(Optional<ActiveVersion> active, long readAtNanos) {
    }

    /** The last checkpoint event of a stream. */
    private record Stored(Optional<Position> position, ExpectedRevision expected) {
    }

    private EventStoreCheckpointStore(EventStore store, long everyEvents, Duration interval) {
        this.store = store;
        this.everyEvents = everyEvents;
        this.interval = interval;
    }

    /** A checkpoint at least every 1,000 events or every second. */
    public static EventStoreCheckpointStore create(EventStore store) {
        return builder(store).build();
    }

    public static Builder builder(EventStore store) {
        return new Builder(store);
    }

    public static String checkpointStream(String projection, int version) {
        return CHECKPOINT_STREAM_PREFIX + projection + "-v" + version;
    }

    public static String versionsStream(String projection) {
        return VERSIONS_STREAM_PREFIX + projection;
    }

    @Override
    public CheckpointSession<ProjectionContext> open(String projection, int version) {
        return new Session(projection, version, readCheckpoint(projection, version));
    }

    @Override
    public Optional<Position> checkpoint(String projection, int version) {
        return readCheckpoint(projection, version).position();
    }

    @Override
    public Optional<ActiveVersion> activeVersion(String projection) {
        return readVersion(projection).active();
    }

    @Override
    public boolean transactional() {
        return false;
    }

    @Override
    public boolean isBookkeeping(RecordedEvent event) {
        String stream = event.stream();
        return stream.startsWith(CHECKPOINT_STREAM_PREFIX) || stream.startsWith(VERSIONS_STREAM_PREFIX);
    }

    private Optional<ActiveVersion> cachedVersion(String projection) {
        CachedVersion cached = versions.get(projection);
        if (cached == null || System.nanoTime() - cached.readAtNanos() > interval.toNanos()) {
            return readVersion(projection).active();
        }
        return cached.active();
    }

    private Optional<RecordedEvent> lastEvent(String stream) {
        try {
            StreamSlice slice = store.readStream(stream, ReadStreamOptions.backwards().limit(1));
            return slice.events().isEmpty() ? Optional.empty() : Optional.of(slice.events().get(0));
        } catch (StreamNotFoundException e) {
            return Optional.empty();
        }
    }

    private Stored readCheckpoint(String projection, int version) {
        Optional<RecordedEvent> last = lastEvent(checkpointStream(projection, version));
        if (last.isEmpty()) {
            return new Stored(Optional.empty(), ExpectedRevision.NO_STREAM);
        }
        long position = field(POSITION, last.get()).orElse(-1L);
        return new Stored(position < 0 ? Optional.empty() : Optional.of(Position.of(position)),
                ExpectedRevision.exactly(last.get().revision()));
    }

    private record VersionRead(Optional<ActiveVersion> active, ExpectedRevision expected) {
    }

    private VersionRead readVersion(String projection) {
        Optional<RecordedEvent> last = lastEvent(versionsStream(projection));
        VersionRead read = last.map(event -> {
            int version = field(VERSION, event).orElseThrow(() -> new IllegalStateException("no version in " + event)).intValue();
            long through = field(EFFECTS_THROUGH, event).orElse(-1L);
            ActiveVersion active = new ActiveVersion(projection, version, through < 0 ? Optional.empty() : Optional.of(Position.of(through)));
            return new VersionRead(Optional.of(active), ExpectedRevision.exactly(event.revision()));
        }).orElse(new VersionRead(Optional.empty(), ExpectedRevision.NO_STREAM));
        versions.put(projection, new CachedVersion(read.active(), System.nanoTime()));
        return read;
    }

    private static Optional<Long> field(Pattern pattern, RecordedEvent event) {
        Matcher m = pattern.matcher(new String(event.data(), StandardCharsets.UTF_8));
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /**
     * Makes {@code version} active, recording through which position the previous one fired side
     * effects (its last written checkpoint: stop it first, so that is where it really got).
     * Optimistic: appended with the expected revision of what was read, re-read on a race.
     */
    private ActiveVersion activate(String projection, int version, boolean onlyIfNone) {
        for (int attempt = 0; ; attempt++) {
            VersionRead read = readVersion(projection);
            if (read.active().isPresent() && (onlyIfNone || read.active().get().version() == version)) {
                return read.active().get();
            }
            Optional<Position> through = read.active().map(previous -> InMemoryCheckpointStore.max(
                    previous.sideEffectsThrough(), checkpoint(projection, previous.version()))).orElse(Optional.empty());
            ActiveVersion next = new ActiveVersion(projection, version, through);
            String json = "{\"version\":" + version + ",\"sideEffectsThrough\":" + through.map(Position::value).orElse(-1L) + "}";
            try {
                store.append(versionsStream(projection), read.expected(),
                        java.util.List.of(EventData.json(ACTIVATED_TYPE, json.getBytes(StandardCharsets.UTF_8))));
                versions.put(projection, new CachedVersion(Optional.of(next), System.nanoTime()));
                return next;
            } catch (WrongExpectedRevisionException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** Options of an {@link EventStoreCheckpointStore}. */
    public static final class Builder {
        private final EventStore store;
        private long everyEvents = 1_000;
        private Duration interval = Duration.ofSeconds(1);

        private Builder(EventStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Write a checkpoint when this many positions passed since the last one (default 1,000). */
        public Builder everyEvents(long everyEvents) {
            if (everyEvents < 1) {
                throw new IllegalArgumentException("everyEvents is 1 or more, got " + everyEvents);
            }
            this.everyEvents = everyEvents;
            return this;
        }

        /**
         * Write a checkpoint when this long passed since the last one and there is progress to write
         * (default 1 s); also how long a read of the active version is trusted.
         */
        public Builder interval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval must be positive, got " + interval);
            }
            this.interval = interval;
            return this;
        }

        public EventStoreCheckpointStore build() {
            return new EventStoreCheckpointStore(store, everyEvents, interval);
        }
    }

    private final class Session implements CheckpointSession<ProjectionContext> {
        private final String projection;
        private final int version;
        private final String stream;
        private Optional<Position> written;
        private ExpectedRevision expected;
        private Optional<Position> recorded;
        private long writtenAtNanos = System.nanoTime();

        Session(String projection, int version, Stored stored) {
            this.projection = projection;
            this.version = version;
            this.stream = checkpointStream(projection, version);
            this.written = stored.position();
            this.recorded = stored.position();
            this.expected = stored.expected();
        }

        @Override
        public Optional<Position> checkpoint() {
            return recorded;
        }

        @Override
        public ProjectionBatch<ProjectionContext> begin() {
            return new Batch(this);
        }

        void record(Position through) {
            recorded = InMemoryCheckpointStore.max(recorded, Optional.of(through));
            long since = written.map(p -> through.value() - p.value()).orElse(through.value() + 1);
            if (since >= everyEvents || System.nanoTime() - writtenAtNanos >= interval.toNanos()) {
                write();
            }
        }

        @Override
        public void idle() {
            if (dirty() && System.nanoTime() - writtenAtNanos >= interval.toNanos()) {
                write();
            }
        }

        @Override
        public void flush() {
            if (dirty()) {
                write();
            }
        }

        private boolean dirty() {
            return !recorded.equals(written);
        }

        private void write() {
            Position position = recorded.orElseThrow();
            byte[] json = ("{\"position\":" + position.value() + "}").getBytes(StandardCharsets.UTF_8);
            try {
                long revision = store.append(stream, expected, java.util.List.of(EventData.json(CHECKPOINT_TYPE, json)))
                        .lastRevision();
                expected = ExpectedRevision.exactly(revision);
            } catch (WrongExpectedRevisionException e) {
                throw new CheckpointConflictException("the checkpoint stream " + stream + " moved under this runner (expected "
                        + e.expected() + ", found " + e.actual() + "): is projection " + projection + "@v" + version
                        + " running twice?", e);
            }
            written = recorded;
            writtenAtNanos = System.nanoTime();
        }

        @Override
        public void close() {
        }
    }

    private final class Batch implements ProjectionBatch<ProjectionContext> {
        private final Session session;
        private boolean activate;

        Batch(Session session) {
            this.session = session;
        }

        @Override
        public Optional<ActiveVersion> activeVersion() {
            return cachedVersion(session.projection);
        }

        @Override
        public Optional<Position> checkpointOf(int activeVersion) {
            // The last written checkpoint: a rebuild advances in steps of everyEvents / interval
            // behind a running active version (exactly to its end once it is stopped and flushed).
            return checkpoint(session.projection, activeVersion);
        }

        @Override
        public ProjectionContext context(ProjectionContext base) {
            return base;
        }

        @Override
        public ActiveVersion activate() {
            activate = true;
            Optional<ActiveVersion> now = cachedVersion(session.projection);
            return now.filter(a -> a.version() == session.version)
                    .orElseGet(() -> new ActiveVersion(session.projection, session.version, Optional.empty()));
        }

        @Override
        public ActiveVersion activateIfNone() {
            return EventStoreCheckpointStore.this.activate(session.projection, session.version, true);
        }

        @Override
        public void commit(Optional<Position> through) {
            through.ifPresent(session::record);
            if (activate) {
                EventStoreCheckpointStore.this.activate(session.projection, session.version, false);
            }
        }

        @Override
        public void close() {
        }
    }
}
