package io.strata.server.groups;

import io.strata.core.ErrorCode;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A named, durable cursor over a source, shared by competing consumers, with at-least-once delivery.
 * Get one from {@link ConsumerGroups}; the semantics are in {@code docs/consumer-groups.md}.
 *
 * <ul>
 *   <li>{@link #fetch} leases up to {@code max} deliverable messages to a consumer, waiting up to
 *       {@code wait} for the first one.</li>
 *   <li>{@link #ack} finishes messages; {@link #nack} retries (after a delay), parks or skips them.</li>
 *   <li>A message not acked within {@code ackTimeout} is delivered again, to whichever consumer fetches;
 *       after {@code maxDeliveries} deliveries a failure parks it instead.</li>
 *   <li>Under {@link Ordering#PER_STREAM} one message per stream is in flight at a time, in revision
 *       order; a parked message stops blocking its stream at once.</li>
 * </ul>
 *
 * <p>Durability: the checkpoint and the parked messages are written within
 * {@link GroupsConfig#checkpointInterval()} (or after {@link GroupsConfig#checkpointAfterAcks()}
 * finished messages) and at {@link ConsumerGroups#close()}. After a crash delivery resumes from the
 * last durable checkpoint, so the messages finished after it are delivered again: at most those
 * finished since the last checkpoint write (one interval's worth, and no more than
 * {@code checkpointAfterAcks} plus those finished during the write) plus up to
 * {@link GroupsConfig#readAhead()} finished events that were newer than an unfinished one.
 *
 * <p>Thread-safe: one lock per group; {@link #fetch} waits without holding it.
 */
public final class ConsumerGroup {
    /** Most messages in one fetch. */
    public static final int MAX_FETCH = 1000;
    /** Longest wait of one fetch. */
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);
    /** Longest delay of a nack retry. */
    public static final Duration MAX_RETRY_DELAY = Duration.ofHours(24);
    /** Most ackIds in one ack or nack. */
    public static final int MAX_ACK_IDS = 10_000;
    /** Most parked messages listed at once. */
    public static final int MAX_PARKED_LIMIT = 10_000;
    /** Longest consumer name, in characters. */
    public static final int MAX_CONSUMER_NAME = 256;
    private static final Logger LOG = Logger.getLogger(ConsumerGroup.class.getName());

    private enum State { OPEN, CLOSED, DELETED }

    private final String name;
    private final GroupSettings settings;
    private final GroupFiles files;
    private final SourceReader source;
    private final GroupRuntime runtime;
    private final GroupReader reader;
    /** The reader waits until at least this much room, so that it reads pages, not single events. */
    private final int minRoomToRead;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition deliverable = lock.newCondition();
    // Guarded by lock:
    private final Dispatcher dispatcher;
    private final ConsumerPresence presence;
    private int waitingFetchers;
    private State state = State.OPEN;
    private boolean readerWantsRoom;
    private boolean checkpointRequested;
    private ScheduledFuture<?> timer;
    private long timerAt;
    private long timerGeneration;

    /** Serialises the writes of this group's files, and their deletion. */
    private final ReentrantLock writeLock = new ReentrantLock();
    // Guarded by writeLock:
    private Checkpoint durableCheckpoint;
    private boolean filesDeleted;

    ConsumerGroup(String name, GroupSettings settings, GroupFiles files, Checkpoint checkpoint,
                  List<ParkedRecord> parked, GroupRuntime runtime) {
        this.name = name;
        this.settings = settings;
        this.files = files;
        this.runtime = runtime;
        this.source = SourceReader.of(runtime.store(), settings.source());
        int capacity = runtime.config().readAhead();
        this.dispatcher = new Dispatcher(settings, capacity, checkpoint, parked, AckIds.firstDeliveryId());
        this.presence = new ConsumerPresence(settings.ackTimeout().toNanos());
        this.durableCheckpoint = checkpoint;
        this.minRoomToRead = Math.max(1, Math.min(GroupReader.PAGE / 2, capacity / 4));
        this.reader = new GroupReader(this, source, runtime.config());
    }

    void start() {
        reader.start();
    }

    public String name() {
        return name;
    }

    public GroupSettings settings() {
        return settings;
    }

    // ---- consuming ---------------------------------------------------------------------------

    /**
     * Leases up to {@code max} messages to {@code consumer}. Returns as soon as at least one is
     * deliverable, or empty when {@code wait} passes first (a long poll; {@code Duration.ZERO} does not
     * wait). Each message must be acked or nacked within the group's {@code ackTimeout}.
     *
     * @param consumer the consumer's name, 1 to {@value #MAX_CONSUMER_NAME} characters: it counts as
     *                 present (see {@link GroupStatus#consumers()}) and nothing else
     * @param max      1 to {@value #MAX_FETCH}
     * @param wait     0 to 5 minutes
     * @throws StrataException {@code not_found} when the group was deleted; {@code unavailable} when the registry closed
     */
    public List<Message> fetch(String consumer, int max, Duration wait) {
        checkConsumer(consumer);
        if (max < 1 || max > MAX_FETCH) {
            throw new InvalidRequestException("max must be between 1 and " + MAX_FETCH + ", got " + max);
        }
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw new InvalidRequestException("wait must be between PT0S and " + MAX_WAIT + ", got " + wait);
        }
        List<Message> out = new ArrayList<>(Math.min(max, 128));
        lock.lock();
        try {
            ensureOpen();
            long now = System.nanoTime();
            long deadline = now + wait.toNanos();
            presence.fetchStarted(consumer, now);
            try {
                while (true) {
                    dispatcher.expire(now);
                    dispatcher.lease(max, now, out);
                    long remaining = deadline - now;
                    if (!out.isEmpty() || remaining <= 0) {
                        afterChange();
                        return out;
                    }
                    waitingFetchers++;
                    try {
                        deliverable.awaitNanos(remaining);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return out;
                    } finally {
                        waitingFetchers--;
                    }
                    ensureOpen();
                    now = System.nanoTime();
                }
            } finally {
                presence.fetchEnded(consumer, System.nanoTime());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Finishes the messages of these ackIds. An ackId is accepted only while its delivery is the
     * message's current one and its ack timeout has not passed; others are counted as unknown and
     * ignored (an ack that comes after the message was given to another consumer does not count).
     */
    public AckResult ack(Collection<String> ackIds) {
        AckIds.Parsed[] ids = parse(ackIds);
        int acked = forEachDelivery(ids, (id, now) -> dispatcher.ack(id));
        return new AckResult(acked, ids.length - acked);
    }

    /**
     * Gives messages back: {@link NackAction#RETRY} delivers them again after {@code delay} (keeping
     * their stream blocked under per-stream ordering; a message already delivered {@code maxDeliveries}
     * times is parked instead), {@link NackAction#PARK} parks them, {@link NackAction#SKIP} drops them
     * like an ack. {@code delay} (0 to 24 h) applies to retries only. Unknown ackIds as for {@link #ack}.
     */
    public NackResult nack(Collection<String> ackIds, NackAction action, Duration delay) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(MAX_RETRY_DELAY) > 0) {
            throw new InvalidRequestException("delay must be between PT0S and " + MAX_RETRY_DELAY + ", got " + delay);
        }
        AckIds.Parsed[] ids = parse(ackIds);
        long delayNanos = delay.toNanos();
        int nacked = forEachDelivery(ids, (id, now) -> dispatcher.nack(id, action, delayNanos, now));
        return new NackResult(nacked, ids.length - nacked);
    }

    /**
     * Gives back messages this consumer received and never started: deliverable again at once, and the
     * delivery does not count toward {@code maxDeliveries} (a consumer that stops with messages prefetched
     * should not bring them nearer to parking). Unknown or expired ackIds are counted as unknown.
     */
    public NackResult giveBack(Collection<String> ackIds) {
        AckIds.Parsed[] ids = parse(ackIds);
        int givenBack = forEachDelivery(ids, (id, now) -> dispatcher.giveBack(id));
        return new NackResult(givenBack, ids.length - givenBack);
    }

    /** What {@link #ack}, {@link #nack} and {@link #giveBack} do to one delivery, under the lock; false for an unknown one. */
    private interface DeliveryAction {
        boolean apply(AckIds.Parsed id, long now);
    }

    /**
     * Under the lock, after handling expired leases: {@code action} on each delivery, then wakes who can
     * proceed. Returns how many deliveries it applied to (the others were unknown).
     */
    private int forEachDelivery(AckIds.Parsed[] ids, DeliveryAction action) {
        int applied = 0;
        lock.lock();
        try {
            ensureOpen();
            long now = System.nanoTime();
            dispatcher.expire(now);
            for (AckIds.Parsed id : ids) {
                if (action.apply(id, now)) {
                    applied++;
                }
            }
            afterChange();
        } finally {
            lock.unlock();
        }
        return applied;
    }

    // ---- parked ------------------------------------------------------------------------------

    /** The first {@code limit} (1 to 10,000) parked messages, in position order, read back from the store. */
    public List<ParkedMessage> parked(int limit) {
        if (limit < 1 || limit > MAX_PARKED_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_PARKED_LIMIT + ", got " + limit);
        }
        List<ParkedRecord> records;
        lock.lock();
        try {
            ensureOpen();
            records = dispatcher.parkedRecords(limit);
        } finally {
            lock.unlock();
        }
        List<ParkedMessage> out = new ArrayList<>(records.size());
        for (ParkedRecord record : records) {
            source.read(record).ifPresent(event ->
                    out.add(new ParkedMessage(event, record.deliveryCount(), record.reason(), record.parkedAt())));
        }
        return out;
    }

    /**
     * Delivers every parked message again, each with a new delivery count (starting at 1) and a fresh
     * {@code maxDeliveries}. Under per-stream ordering a replayed message waits behind the events of
     * its stream the group holds, so it arrives after later events of its stream: out of its original
     * order. It stays in the durable parked list until it is acked or skipped, so a restart during a
     * replay leaves it parked. Returns how many messages were queued for replay.
     */
    public int replayParked() {
        lock.lock();
        try {
            ensureOpen();
            int queued = dispatcher.replayAll();
            if (queued > 0) {
                reader.wake();
            }
            return queued;
        } finally {
            lock.unlock();
        }
    }

    // ---- status ------------------------------------------------------------------------------

    /** The group now; see {@link GroupStatus} for what each number means. */
    public GroupStatus status() {
        Checkpoint checkpoint;
        Checkpoint readNext;
        long unfinished;
        int inFlight;
        long parked;
        int consumers;
        lock.lock();
        try {
            ensureOpen();
            checkpoint = dispatcher.checkpoint();
            readNext = dispatcher.readNext();
            unfinished = dispatcher.unfinished();
            inFlight = dispatcher.inFlight();
            parked = dispatcher.parkedCount();
            consumers = presence.count(System.nanoTime());
        } finally {
            lock.unlock();
        }
        long lag = unfinished + source.unread(readNext);
        return new GroupStatus(name, settings, Position.of(checkpoint.position()), lag, inFlight, parked, consumers);
    }

    // ---- the reader's side -------------------------------------------------------------------

    /**
     * What the reader should read next: parked messages to replay, or up to {@code limit} source
     * events from {@code from}.
     */
    record ReadPlan(List<ParkedRecord> replays, Checkpoint from, int limit) {
    }

    /** The next read, or null when there is no room (the reader is woken when there is) or the group closed. */
    ReadPlan planRead(int page) {
        lock.lock();
        try {
            if (state != State.OPEN) {
                return null;
            }
            int room = dispatcher.room();
            if (room < minRoomToRead) {
                readerWantsRoom = true;
                return null;
            }
            int limit = Math.min(room, page);
            if (dispatcher.hasReplays()) {
                return new ReadPlan(dispatcher.takeReplays(limit), dispatcher.readNext(), 0);
            }
            return new ReadPlan(List.of(), dispatcher.readNext(), limit);
        } finally {
            lock.unlock();
        }
    }

    void admitPage(SourceReader.Page page) {
        lock.lock();
        try {
            if (state == State.OPEN) {
                dispatcher.admit(page.events(), page.next());
                afterChange();
            }
        } finally {
            lock.unlock();
        }
    }

    void admitReplays(List<ParkedRecord> records, List<Optional<RecordedEvent>> events) {
        lock.lock();
        try {
            if (state != State.OPEN) {
                return;
            }
            for (int i = 0; i < records.size(); i++) {
                if (events.get(i).isPresent()) {
                    dispatcher.admitReplay(events.get(i).get());
                } else {
                    LOG.warning("consumer group '" + name + "': parked event at position " + records.get(i).position()
                            + " is no longer in the store; it stays parked");
                    dispatcher.replayNotRead(records.get(i));
                }
            }
            afterChange();
        } finally {
            lock.unlock();
        }
    }

    // ---- timers and checkpoints --------------------------------------------------------------

    /** After any change, under the lock: wake who can proceed, ask for a checkpoint, arm the timer. */
    private void afterChange() {
        wakeFetchers(dispatcher.takeReadied());
        if (readerWantsRoom && dispatcher.room() >= minRoomToRead) {
            readerWantsRoom = false;
            reader.wake();
        }
        if (!checkpointRequested && dispatcher.finishedSinceSnapshot() >= runtime.config().checkpointAfterAcks()) {
            checkpointRequested = true;
            submit(this::writeCheckpointQuietly);
        }
        armTimer();
    }

    private void wakeFetchers(int readied) {
        if (readied == 0 || waitingFetchers == 0) {
            return;
        }
        if (readied >= waitingFetchers) {
            deliverable.signalAll();
        } else {
            for (int i = 0; i < readied; i++) {
                deliverable.signal();
            }
        }
    }

    /** One timer per group, set for the earliest lease deadline or retry; re-armed when it fires. */
    private void armTimer() {
        if (state != State.OPEN || !dispatcher.hasDeadline()) {
            return;
        }
        long due = dispatcher.nextDeadline();
        if (timer != null && due - timerAt >= 0) {
            return; // the timer set fires first; it re-arms for this
        }
        if (timer != null) {
            timer.cancel(false);
        }
        long generation = ++timerGeneration;
        timerAt = due;
        try {
            timer = runtime.scheduler().schedule(() -> onTimer(generation), Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            timer = null; // the registry is closing
        }
    }

    private void onTimer(long generation) {
        lock.lock();
        try {
            if (generation == timerGeneration) {
                timer = null;
            }
            if (state == State.OPEN) {
                dispatcher.expire(System.nanoTime());
                afterChange();
            }
        } finally {
            lock.unlock();
        }
    }

    private void submit(Runnable task) {
        try {
            runtime.scheduler().execute(task);
        } catch (RejectedExecutionException e) {
            // the registry is closing; close() writes the last checkpoint
        }
    }

    /** Writes the checkpoint and the parked messages, if they changed since the last write. */
    void writeCheckpoint() throws IOException {
        writeLock.lock();
        try {
            if (filesDeleted) {
                return;
            }
            Dispatcher.Snapshot snapshot;
            lock.lock();
            try {
                checkpointRequested = false;
                snapshot = dispatcher.snapshot();
            } finally {
                lock.unlock();
            }
            boolean checkpointMoved = !snapshot.checkpoint().equals(durableCheckpoint);
            if (snapshot.parked() == null && !checkpointMoved) {
                return;
            }
            try {
                // Parked first: the checkpoint may pass a parked event only once its record is durable.
                if (snapshot.parked() != null) {
                    files.writeParked(snapshot.parked());
                }
                if (checkpointMoved) {
                    files.writeCheckpoint(snapshot.checkpoint());
                }
                durableCheckpoint = snapshot.checkpoint();
            } catch (IOException | RuntimeException e) {
                lock.lock();
                try {
                    dispatcher.snapshotNotWritten(snapshot);
                } finally {
                    lock.unlock();
                }
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
    }

    void writeCheckpointQuietly() {
        try {
            writeCheckpoint();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "consumer group '" + name + "': cannot write its checkpoint; will retry", e);
        }
    }

    /** The last checkpoint written to disk (for tests). */
    Checkpoint durableCheckpoint() {
        writeLock.lock();
        try {
            return durableCheckpoint;
        } finally {
            writeLock.unlock();
        }
    }

    // ---- life cycle --------------------------------------------------------------------------

    /** Stops delivering; waiting fetches end with {@code unavailable}; writes the last checkpoint when asked. */
    void close(boolean writeLastCheckpoint) {
        stop(State.CLOSED);
        if (writeLastCheckpoint) {
            writeCheckpointQuietly();
        }
    }

    /** Stops delivering (waiting fetches end with {@code not_found}) and removes the group's files. */
    void delete() throws IOException {
        stop(State.DELETED);
        writeLock.lock();
        try {
            filesDeleted = true;
            files.delete();
        } finally {
            writeLock.unlock();
        }
    }

    private void stop(State end) {
        lock.lock();
        try {
            if (state != State.OPEN) {
                return;
            }
            state = end;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            deliverable.signalAll();
        } finally {
            lock.unlock();
        }
        reader.stop();
    }

    private void ensureOpen() {
        switch (state) {
            case OPEN -> {
            }
            case DELETED -> throw notFound(name);
            case CLOSED -> throw new StoreUnavailableException("consumer groups are closed");
        }
    }

    static StrataException notFound(String name) {
        return new StrataException(ErrorCode.NOT_FOUND, "consumer group '" + name + "' does not exist");
    }

    private static AckIds.Parsed[] parse(Collection<String> ackIds) {
        Objects.requireNonNull(ackIds, "ackIds");
        if (ackIds.size() > MAX_ACK_IDS) {
            throw new InvalidRequestException("at most " + MAX_ACK_IDS + " ackIds at a time, got " + ackIds.size());
        }
        AckIds.Parsed[] ids = new AckIds.Parsed[ackIds.size()];
        int i = 0;
        for (String ackId : ackIds) {
            ids[i++] = AckIds.parse(ackId);
        }
        return ids;
    }

    private static void checkConsumer(String consumer) {
        if (consumer == null || consumer.isEmpty() || consumer.length() > MAX_CONSUMER_NAME) {
            throw new InvalidRequestException("consumer must be a name of 1 to " + MAX_CONSUMER_NAME + " characters, got "
                    + (consumer == null ? "none" : consumer.length() + " characters"));
        }
        for (int i = 0; i < consumer.length(); i++) {
            if (Character.isISOControl(consumer.charAt(i))) {
                throw new InvalidRequestException("consumer name must not contain control characters (index " + i + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "ConsumerGroup[" + name + ", " + settings + "]";
    }
}
