package io.strata.core;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The reference model of {@link EventStore}: the whole semantics, written to be obviously correct
 * rather than fast. Every method is {@code synchronized} on the store; the log is a list; every
 * event id ever written is remembered (an unbounded dedup window, which satisfies "at least the
 * window"); each subscription runs on a thread of its own as a cursor over the log.
 *
 * <p>Used as the oracle of model-based tests (an engine and this model get the same operations, and
 * must give the same answers) and as the first implementation that {@link EventStoreContract} is
 * proven against. Limits: only the size of one event (data + metadata) and the number of events in
 * one append, both configurable.
 *
 * <p>Recorded times come from a clock ({@link Clock#systemUTC()} by default), truncated to
 * microseconds and never decreasing along the log. A model-based test can hand in the engine's
 * recorded times through {@link #withClock} so that {@code asOf} reads compare exactly.
 *
 * <p>This class is thread-safe.
 */
public final class InMemoryEventStore implements EventStore {
    public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_EVENTS_PER_APPEND = 10_000;

    private final Supplier<Instant> clock;
    private final int maxEventBytes;
    private final int maxEventsPerAppend;
    private final Instant startedAt;

    /** The global log: index = position. */
    private final List<RecordedEvent> log = new ArrayList<>();
    /** Stream name → its events, index = revision. Insertion order = order of creation. */
    private final Map<String, List<RecordedEvent>> streams = new LinkedHashMap<>();
    /** Event id → the batch it was written in. */
    private final Map<UUID, Batch> batchById = new HashMap<>();
    private final Set<ModelSubscription> subscriptions = new HashSet<>();
    private Instant lastRecordedTime = Instant.EPOCH;
    private boolean closed;

    private record Batch(String stream, List<UUID> ids, AppendResult result) {
    }

    public InMemoryEventStore() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public InMemoryEventStore(int maxEventBytes) {
        this(maxEventBytes, DEFAULT_MAX_EVENTS_PER_APPEND, () -> Clock.systemUTC().instant());
    }

    private InMemoryEventStore(int maxEventBytes, int maxEventsPerAppend, Supplier<Instant> clock) {
        this.maxEventBytes = maxEventBytes;
        this.maxEventsPerAppend = maxEventsPerAppend;
        this.clock = clock;
        this.startedAt = clock.get().truncatedTo(ChronoUnit.MICROS);
    }

    /** A model whose recorded times come from {@code clock} (still truncated to µs and never decreasing). */
    public static InMemoryEventStore withClock(int maxEventBytes, Supplier<Instant> clock) {
        return new InMemoryEventStore(maxEventBytes, DEFAULT_MAX_EVENTS_PER_APPEND, clock);
    }

    public static InMemoryEventStore withLimits(int maxEventBytes, int maxEventsPerAppend) {
        return new InMemoryEventStore(maxEventBytes, maxEventsPerAppend, () -> Clock.systemUTC().instant());
    }

    // ------------------------------------------------------------------------------------------ append

    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
        try {
            return CompletableFuture.completedFuture(appendNow(stream, expected, events));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private synchronized AppendResult appendNow(String stream, ExpectedRevision expected, List<EventData> events) {
        checkOpen();
        // 1. The request itself: names, emptiness, limits. Nothing else is looked at before these pass.
        StreamNames.checkWritableStream(stream);
        if (expected == null) {
            throw new InvalidRequestException("an expected revision is required");
        }
        if (events == null || events.isEmpty()) {
            throw new InvalidRequestException("an append needs at least one event");
        }
        if (events.size() > maxEventsPerAppend) {
            throw new TooLargeException("the number of events in one append", maxEventsPerAppend, events.size());
        }
        Set<UUID> seen = new HashSet<>();
        for (EventData e : events) {
            StreamNames.checkType(e.type());
            long bytes = (long) e.data().length + e.metadata().length;
            if (bytes > maxEventBytes) {
                throw new TooLargeException("an event's data and metadata in bytes", maxEventBytes, bytes);
            }
            if (e.id().isPresent() && !seen.add(e.id().get())) {
                throw new InvalidRequestException("event id " + e.id().get() + " appears twice in one append");
            }
        }

        // 2. Idempotence, before the expected revision: a retry of a batch that was written must
        //    get its original answer even though the stream has moved on since.
        List<UUID> ids = events.stream().flatMap(e -> e.id().stream()).toList();
        List<UUID> known = ids.stream().filter(batchById::containsKey).toList();
        if (!known.isEmpty()) {
            Batch original = batchById.get(known.get(0));
            if (known.size() == events.size() && original.ids().equals(ids)) {
                if (!original.stream().equals(stream)) {
                    throw new IdempotencyConflictException(stream, "the event ids of this append were written to stream '"
                            + original.stream() + "'");
                }
                return original.result();
            }
            throw new IdempotencyConflictException(stream, known.size() + " of the " + events.size()
                    + " event ids of this append were already written, but not as this batch");
        }

        // 3. Optimistic concurrency.
        List<RecordedEvent> existing = streams.getOrDefault(stream, List.of());
        OptionalLong actual = existing.isEmpty() ? OptionalLong.empty() : OptionalLong.of(existing.size() - 1);
        boolean ok = switch (expected) {
            case ExpectedRevision.Any any -> true;
            case ExpectedRevision.NoStream noStream -> actual.isEmpty();
            case ExpectedRevision.Exists exists -> actual.isPresent();
            case ExpectedRevision.Exact exact -> actual.isPresent() && actual.getAsLong() == exact.revision();
        };
        if (!ok) {
            throw new WrongExpectedRevisionException(stream, expected, actual);
        }

        // 4. Write.
        Instant now = clock.get().truncatedTo(ChronoUnit.MICROS);
        Instant recorded = now.isBefore(lastRecordedTime) ? lastRecordedTime : now;
        lastRecordedTime = recorded;
        List<RecordedEvent> target = streams.computeIfAbsent(stream, s -> new ArrayList<>());
        long firstRevision = target.size();
        long firstPosition = log.size();
        List<UUID> writtenIds = new ArrayList<>();
        for (EventData e : events) {
            UUID id = e.id().orElseGet(InMemoryEventStore::timeOrderedUuid);
            writtenIds.add(id);
            RecordedEvent r = new RecordedEvent(id, stream, e.type(), target.size(), Position.of(log.size()), recorded,
                    e.validTime(), e.contentType(), e.data().clone(), e.metadata().clone());
            target.add(r);
            log.add(r);
        }
        AppendResult result = new AppendResult(stream, firstRevision, target.size() - 1, Position.of(firstPosition),
                Position.of(log.size() - 1), recorded);
        Batch batch = new Batch(stream, List.copyOf(writtenIds), result);
        for (UUID id : writtenIds) {
            batchById.put(id, batch);
        }
        notifyAll();
        return result;
    }

    /** A version-7 UUID: 48 bits of Unix milliseconds, then random bits. */
    static UUID timeOrderedUuid() {
        UUID random = UUID.randomUUID();
        long millis = System.currentTimeMillis();
        long msb = (millis << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
        long lsb = (random.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    // ------------------------------------------------------------------------------------------- reads

    @Override
    public synchronized StreamSlice readStream(String stream, ReadStreamOptions options) {
        checkOpen();
        StreamNames.checkStream(stream);
        List<RecordedEvent> visible = visible(streams.getOrDefault(stream, List.of()), options.asOf());
        if (visible.isEmpty()) {
            throw new StreamNotFoundException(stream);
        }
        long last = visible.size() - 1;
        List<RecordedEvent> page = new ArrayList<>();
        OptionalLong next = OptionalLong.empty();
        if (options.direction() == Direction.FORWARD) {
            for (long r = options.from(); r <= last; r++) {
                if (page.size() == options.limit()) {
                    next = OptionalLong.of(r);
                    break;
                }
                page.add(visible.get((int) r));
            }
        } else {
            for (long r = Math.min(options.from(), last); r >= 0; r--) {
                if (page.size() == options.limit()) {
                    next = OptionalLong.of(r);
                    break;
                }
                page.add(visible.get((int) r));
            }
        }
        return new StreamSlice(stream, page, last, next);
    }

    @Override
    public synchronized AllSlice readAll(ReadAllOptions options) {
        checkOpen();
        List<RecordedEvent> visible = visible(log, options.asOf());
        long head = visible.size() - 1;
        List<RecordedEvent> page = new ArrayList<>();
        Optional<Position> next = Optional.empty();
        if (options.direction() == Direction.FORWARD) {
            for (long p = options.from(); p <= head; p++) {
                if (page.size() == options.limit()) {
                    next = Optional.of(Position.of(p));
                    break;
                }
                RecordedEvent e = visible.get((int) p);
                if (options.filter().matches(e)) {
                    page.add(e);
                }
            }
        } else {
            for (long p = Math.min(options.from(), head); p >= 0; p--) {
                if (page.size() == options.limit()) {
                    next = Optional.of(Position.of(p));
                    break;
                }
                RecordedEvent e = visible.get((int) p);
                if (options.filter().matches(e)) {
                    page.add(e);
                }
            }
        }
        return new AllSlice(page, next);
    }

    /** The prefix of {@code events} recorded at or before {@code asOf}: recorded time never decreases. */
    private static List<RecordedEvent> visible(List<RecordedEvent> events, Optional<Instant> asOf) {
        if (asOf.isEmpty()) {
            return events;
        }
        int n = 0;
        while (n < events.size() && !events.get(n).recordedTime().isAfter(asOf.get())) {
            n++;
        }
        return events.subList(0, n);
    }

    @Override
    public synchronized StoreInfo info() {
        checkOpen();
        Optional<Position> head = log.isEmpty() ? Optional.empty() : Optional.of(Position.of(log.size() - 1));
        return new StoreInfo("model", "in-memory", Durability.NONE, head, streams.size(), log.size(), startedAt,
                ChronoUnit.FOREVER.getDuration(), Long.MAX_VALUE);
    }

    // --------------------------------------------------------------------------------- subscriptions

    @Override
    public synchronized Subscription subscribeToStream(String stream, long fromRevision, SubscriptionListener listener) {
        checkOpen();
        StreamNames.checkStream(stream);
        if (fromRevision < 0) {
            throw new InvalidRequestException("from must be a revision (0 or more), got " + fromRevision);
        }
        long start = fromRevision == ReadStreamOptions.END ? streams.getOrDefault(stream, List.of()).size() : fromRevision;
        return start(new ModelSubscription(listener, start, stream, EventFilter.ALL));
    }

    @Override
    public synchronized Subscription subscribeToAll(long fromPosition, EventFilter filter, SubscriptionListener listener) {
        checkOpen();
        if (fromPosition < 0) {
            throw new InvalidRequestException("from must be a position (0 or more), got " + fromPosition);
        }
        long start = fromPosition == ReadAllOptions.END ? log.size() : fromPosition;
        return start(new ModelSubscription(listener, start, null, filter));
    }

    private Subscription start(ModelSubscription s) {
        subscriptions.add(s);
        Thread.ofPlatform().daemon().name("model-subscription").start(s::run);
        return s;
    }

    @Override
    public void close() {
        List<ModelSubscription> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = List.copyOf(subscriptions);
            notifyAll();
        }
        for (ModelSubscription s : open) {
            s.awaitEnd();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreUnavailableException("the store is closed");
        }
    }

    /**
     * A cursor over the log (or one stream) with a thread of its own. Calls to the listener hold
     * {@link #deliveryLock}, and so does {@link #close()} while it marks the subscription closed: no
     * call starts after close returns. There is no switch from history to live at all, so there is
     * nothing to get wrong there: the cursor just waits at the head for the next append.
     */
    private final class ModelSubscription implements Subscription {
        private final SubscriptionListener listener;
        private final String stream; // null: $all
        private final EventFilter filter;
        private final Object deliveryLock = new Object();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private long cursor; // next revision (stream) or position ($all) to look at
        private volatile boolean active = true;
        private volatile Thread thread;

        ModelSubscription(SubscriptionListener listener, long start, String stream, EventFilter filter) {
            this.listener = listener;
            this.cursor = start;
            this.stream = stream;
            this.filter = filter;
        }

        void run() {
            thread = Thread.currentThread();
            boolean caughtUp = false;
            try {
                while (true) {
                    List<RecordedEvent> batch;
                    boolean storeClosed;
                    synchronized (InMemoryEventStore.this) {
                        while (active && !closed && caughtUp && available() <= 0) {
                            InMemoryEventStore.this.wait();
                        }
                        storeClosed = closed;
                        batch = storeClosed ? List.of() : take();
                    }
                    if (!active) {
                        return;
                    }
                    if (storeClosed) {
                        end(new StoreUnavailableException("the store was closed"));
                        return;
                    }
                    for (RecordedEvent e : batch) {
                        if (!deliver(() -> listener.onEvent(e))) {
                            return;
                        }
                    }
                    if (!caughtUp && batch.isEmpty()) {
                        caughtUp = true;
                        if (!deliver(listener::onCaughtUp)) {
                            return;
                        }
                    }
                }
            } catch (InterruptedException e) {
                end(new StoreUnavailableException("subscription thread interrupted", e));
            } finally {
                synchronized (InMemoryEventStore.this) {
                    subscriptions.remove(this);
                }
                active = false;
                ended.complete(null);
            }
        }

        /** Events at or after the cursor, whether they match or not (the cursor moves past both). */
        private long available() {
            return stream == null ? log.size() - cursor : streams.getOrDefault(stream, List.of()).size() - cursor;
        }

        private List<RecordedEvent> take() {
            List<RecordedEvent> source = stream == null ? log : streams.getOrDefault(stream, List.of());
            List<RecordedEvent> out = new ArrayList<>();
            while (cursor < source.size() && out.size() < 64) {
                RecordedEvent e = source.get((int) cursor++);
                if (filter.matches(e)) {
                    out.add(e);
                }
            }
            return out;
        }

        /** Calls the listener unless closed; false when the subscription has ended. */
        private boolean deliver(Runnable call) {
            synchronized (deliveryLock) {
                if (!active) {
                    return false;
                }
                try {
                    call.run();
                    return true;
                } catch (Throwable t) {
                    end(t);
                    return false;
                }
            }
        }

        private void end(Throwable error) {
            synchronized (deliveryLock) {
                if (!active) {
                    return;
                }
                active = false;
                try {
                    listener.onError(error);
                } catch (RuntimeException ignored) {
                    // the subscription is over either way
                }
            }
        }

        @Override
        public void close() {
            synchronized (deliveryLock) {
                active = false;
            }
            synchronized (InMemoryEventStore.this) {
                InMemoryEventStore.this.notifyAll();
            }
        }

        void awaitEnd() {
            if (Thread.currentThread() == thread) {
                return;
            }
            ended.join();
        }

        @Override
        public boolean isActive() {
            return active;
        }
    }
}
