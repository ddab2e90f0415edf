package io.strata.eventsourcing;

import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StreamNames;
import io.strata.core.StreamNotFoundException;
import io.strata.core.WrongExpectedRevisionException;
import io.strata.eventsourcing.serialization.EventMetadata;
import io.strata.eventsourcing.serialization.EventSerializer;
import io.strata.eventsourcing.snapshot.EventStoreSnapshotStore;
import io.strata.eventsourcing.snapshot.SnapshotCodec;
import io.strata.eventsourcing.snapshot.SnapshotPolicy;
import io.strata.eventsourcing.snapshot.SnapshotStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Loads aggregates of one type by folding their streams, and handles commands: load, decide,
 * append with the expected revision, and on a concurrency conflict catch up and decide again, as
 * often as the {@link ConflictRetryPolicy} allows. Works over any {@link EventStore}. Thread-safe; any
 * number of threads may handle commands for the same aggregate: within one repository they take
 * turns per aggregate (see {@link Builder#perAggregateLocking}), and writers elsewhere are caught
 * by the expected revision.
 *
 * <pre>
 *   handle(id, command, context)
 *     ├─ load: [snapshot] + events after it ─fold─▶ state @ revision r
 *     ├─ decide(command, state) ─▶ [] ─────────────▶ done, nothing appended
 *     │                         ─▶ throws ─────────▶ rejection propagates, nothing appended
 *     ├─ append(category-id, exactly(r), events + metadata)
 *     │     └─ WrongExpectedRevision ─▶ backoff, read events after r, decide again (bounded)
 *     └─ snapshot if due ─▶ CommandResult(events, state, revision)
 * </pre>
 *
 * <p>Atomicity: a command's events are appended all or none, in one append.
 *
 * <p>Design note: after a conflict the repository reads only the events it missed and keeps folding
 * the state it has, instead of reloading from scratch: under contention that is one small read per
 * retry, whatever the aggregate's length. It is also why decisions must be side-effect free.
 *
 * @param <C> commands
 * @param <S> the state
 * @param <E> events
 */
public final class AggregateRepository<C, S, E> {
    private static final long ALL = Long.MAX_VALUE;

    private final EventStore store;
    private final String category;
    private final Decider<C, S, E> decider;
    private final EventSerializer serializer;
    private final ConflictRetryPolicy retryPolicy;
    private final Optional<Snapshotting<S>> snapshotting;
    private final Optional<AggregateLocks> locks;
    private final StreamFolder<S, E> folder;

    private AggregateRepository(Builder<C, S, E> builder) {
        this.store = builder.store;
        this.category = builder.category;
        this.decider = builder.decider;
        this.serializer = builder.serializer;
        this.retryPolicy = builder.retryPolicy;
        this.snapshotting = Optional.ofNullable(builder.snapshotting);
        this.locks = builder.perAggregateLocking ? Optional.of(new AggregateLocks()) : Optional.empty();
        this.folder = new StreamFolder<>(store, serializer, decider);
    }

    /**
     * A repository for aggregates whose streams are {@code category-<id>}.
     *
     * @param category the stream category: no {@code -}, not starting with {@code $}
     */
    public static <C, S, E> Builder<C, S, E> builder(EventStore store, String category, Decider<C, S, E> decider,
                                                     EventSerializer serializer) {
        return new Builder<>(store, category, decider, serializer);
    }

    public String category() {
        return category;
    }

    /** The aggregate's stream: {@code category-id}. */
    public String streamOf(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("an aggregate id must not be empty");
        }
        String stream = category + "-" + id;
        StreamNames.checkWritableStream(stream);
        return stream;
    }

    /** The aggregate's latest state; the initial state at no revision when it has no events. */
    public LoadedAggregate<S> load(String id) {
        return load(id, LoadPoint.latest());
    }

    /**
     * The aggregate's state at {@code point}. A snapshot is used only if it holds a revision at or
     * before the point.
     *
     * @throws RevisionNotFoundException {@link LoadPoint#atRevision} beyond the aggregate's last revision
     */
    public LoadedAggregate<S> load(String id, LoadPoint point) {
        String stream = streamOf(id);
        Replay<S> replay = switch (point) {
            case LoadPoint.Latest latest -> replayUpTo(stream, ALL);
            case LoadPoint.AtRevision at -> {
                Replay<S> upTo = replayUpTo(stream, at.revision());
                if (upTo.revision() < at.revision()) {
                    throw new RevisionNotFoundException(stream, at.revision(), upTo.lastRevision());
                }
                yield upTo;
            }
            // The revision known at that time, then the same path as atRevision: a snapshot depends only
            // on its revision, so one written after the time but holding an earlier revision is valid.
            case LoadPoint.AsOf asOf -> {
                OptionalLong last = lastRevisionAsOf(stream, asOf.time());
                yield last.isPresent() ? replayUpTo(stream, last.getAsLong()) : initial();
            }
        };
        return replay.toLoaded(id, stream);
    }

    /** {@link #handle(String, Object, CommandContext)} as a new command that starts its own conversation. */
    public CommandResult<S, E> handle(String id, C command) {
        return handle(id, command, CommandContext.create());
    }

    /**
     * Decides {@code command} against the aggregate's latest state and appends the events, with
     * {@code context}'s correlation id and its command id as causation id in their metadata.
     *
     * @throws ConflictRetriesExhaustedException every allowed attempt met a concurrency conflict
     * @throws RuntimeException                  whatever {@code decide} throws to reject the command,
     *                                           unchanged; nothing is appended
     */
    public CommandResult<S, E> handle(String id, C command, CommandContext context) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(context, "context");
        String stream = streamOf(id);
        if (locks.isEmpty()) {
            return decideAndAppend(stream, command, context);
        }
        ReentrantLock lock = locks.get().lockFor(stream);
        lock.lock();
        try {
            return decideAndAppend(stream, command, context);
        } finally {
            lock.unlock();
        }
    }

    private CommandResult<S, E> decideAndAppend(String stream, C command, CommandContext context) {
        Replay<S> current = replayUpTo(stream, ALL);
        for (int attempt = 1; ; attempt++) {
            List<E> events = decider.decide(command, current.state());
            if (events.isEmpty()) {
                return new CommandResult<>(stream, List.of(), current.state(), current.lastRevision(), Optional.empty(), attempt);
            }
            List<EventData> data = encode(events, context.eventMetadata());
            AppendResult appended;
            try {
                appended = store.append(stream, expectedRevisionOf(current), data);
            } catch (WrongExpectedRevisionException conflict) {
                if (attempt >= retryPolicy.maxAttempts()) {
                    throw new ConflictRetriesExhaustedException(stream, attempt, conflict);
                }
                pause(retryPolicy.backoffAfter(attempt, ThreadLocalRandom.current()));
                current = folder.foldAfter(stream, current, ALL);
                continue;
            }
            Replay<S> after = new Replay<>(decider.fold(current.state(), events), appended.lastRevision(),
                    current.eventsSinceSnapshot() + events.size());
            snapshotting.ifPresent(snapshots -> snapshots.saveIfDue(stream, after));
            return new CommandResult<>(stream, events, after.state(), after.lastRevision(), Optional.of(appended), attempt);
        }
    }

    private Replay<S> initial() {
        return Replay.initial(decider.initialState());
    }

    private Replay<S> replayUpTo(String stream, long maxRevision) {
        Replay<S> start = snapshotting.flatMap(snapshots -> snapshots.restore(stream, maxRevision)).orElseGet(this::initial);
        return folder.foldAfter(stream, start, maxRevision);
    }

    private OptionalLong lastRevisionAsOf(String stream, Instant time) {
        try {
            return OptionalLong.of(store.readStream(stream, ReadStreamOptions.backwards().limit(1).asOf(time)).lastRevision());
        } catch (StreamNotFoundException e) {
            return OptionalLong.empty();
        }
    }

    private List<EventData> encode(List<E> events, EventMetadata metadata) {
        List<EventData> data = new ArrayList<>(events.size());
        for (E event : events) {
            data.add(serializer.serialize(event, metadata));
        }
        return data;
    }

    private static ExpectedRevision expectedRevisionOf(Replay<?> replay) {
        return replay.revision() == Replay.NONE ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(replay.revision());
    }

    private static void pause(Duration backoff) {
        if (backoff.isZero()) {
            return;
        }
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting to retry a command after a conflict", e);
        }
    }

    /** Options of an {@link AggregateRepository}. Not thread-safe. */
    public static final class Builder<C, S, E> {
        private final EventStore store;
        private final String category;
        private final Decider<C, S, E> decider;
        private final EventSerializer serializer;
        private ConflictRetryPolicy retryPolicy = ConflictRetryPolicy.defaults();
        private Snapshotting<S> snapshotting;
        private boolean perAggregateLocking = true;

        private Builder(EventStore store, String category, Decider<C, S, E> decider, EventSerializer serializer) {
            this.store = Objects.requireNonNull(store, "store");
            this.decider = Objects.requireNonNull(decider, "decider");
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            this.category = checkCategory(category);
        }

        private static String checkCategory(String category) {
            Objects.requireNonNull(category, "category");
            if (category.isEmpty() || category.contains("-") || category.startsWith("$")) {
                throw new IllegalArgumentException("a category is not empty, has no '-' (the stream's category is the part "
                        + "before the first '-') and does not start with '$', got '" + category + "'");
            }
            StreamNames.checkWritableStream(category);
            return category;
        }

        /** How conflicts are retried; {@link ConflictRetryPolicy#defaults()} when not set. */
        public Builder<C, S, E> retry(ConflictRetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * Whether commands on one aggregate wait for each other within this repository (the default)
         * instead of racing and retrying. Off, every command is purely optimistic; other processes'
         * writers are always handled by retries. See {@link AggregateLocks} for the measurement.
         */
        public Builder<C, S, E> perAggregateLocking(boolean enabled) {
            this.perAggregateLocking = enabled;
            return this;
        }

        /** Snapshots kept in the same event store ({@link EventStoreSnapshotStore}). */
        public Builder<C, S, E> snapshots(SnapshotPolicy policy, SnapshotCodec<S> codec) {
            return snapshots(policy, codec, new EventStoreSnapshotStore(store));
        }

        public Builder<C, S, E> snapshots(SnapshotPolicy policy, SnapshotCodec<S> codec, SnapshotStore snapshotStore) {
            this.snapshotting = new Snapshotting<>(Objects.requireNonNull(policy, "policy"),
                    Objects.requireNonNull(codec, "codec"), Objects.requireNonNull(snapshotStore, "snapshotStore"));
            return this;
        }

        public AggregateRepository<C, S, E> build() {
            return new AggregateRepository<>(this);
        }
    }
}
