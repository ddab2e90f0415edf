package io.strata.eventsourcing.projection;

import io.strata.core.AllSlice;
import io.strata.core.EventStore;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.Subscription;
import io.strata.eventsourcing.projection.ProjectionFailure.Stage;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The body of a runner's thread: catch up from the checkpoint by paged reads of {@code $all}, then
 * follow the log live through a subscription; each batch of events is applied and committed in one
 * unit of work of the {@link CheckpointSession}; side effects fire after the commit.
 *
 * <p>Design note: catch-up reads pages with {@link EventStore#readAll} rather than subscribing from
 * the checkpoint, because a page says how far the read scanned ({@code next}), past events the
 * filter skipped: a projection of a rare event type then checkpoints near the head instead of at its
 * last matching event, and a restart does not rescan the log. The subscription starts exactly where
 * the last page ended, so nothing is skipped or repeated at the switch.
 *
 * <p>Runs on one thread; not thread-safe.
 */
final class RunnerLoop<C extends ProjectionContext> implements Runnable {
    private static final System.Logger LOG = System.getLogger(ProjectionRunner.class.getName());

    /**
     * How an attempt at a batch ended when it did not commit it all: a handler failed on the event at
     * {@code index} (with {@code cause}); the commit failed ({@code index} -1); or the events from
     * {@code index} on are past the active version's checkpoint and must wait ({@code held}).
     */
    private record EventFailed(int index, Exception cause, boolean held) {
        EventFailed(int index, Exception cause) {
            this(index, cause, false);
        }

        static EventFailed heldAt(int index) {
            return new EventFailed(index, null, true);
        }
    }

    /** Thrown out of the loop to stop it with a report. */
    private static final class Stopped extends RuntimeException {
        final ProjectionFailure failure;

        Stopped(ProjectionFailure failure) {
            super(failure.message(), null, false, false);
            this.failure = failure;
        }
    }

    /** Thrown out of a retry wait when a stop was asked for: the event was not committed; nothing is lost. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }

    private final EventStore store;
    private final Projection<? super C> projection;
    private final CheckpointStore<C> checkpoints;
    private final int batchSize;
    private final RetryPolicy retry;
    private final Duration idleInterval;
    private final RunnerStatus status;
    private final Consumer<ProjectionFailure> onFailure;
    private final RunnerContext base;
    private final boolean transactional;
    private volatile boolean exiting;
    private volatile LiveFeed feed;
    private CheckpointSession<C> session;
    private Optional<Position> committed = Optional.empty();

    RunnerLoop(EventStore store, Projection<? super C> projection, CheckpointStore<C> checkpoints, int batchSize,
               RetryPolicy retry, Duration idleInterval, RunnerStatus status, Consumer<ProjectionFailure> onFailure) {
        this.store = store;
        this.projection = projection;
        this.checkpoints = checkpoints;
        this.batchSize = batchSize;
        this.retry = retry;
        this.idleInterval = idleInterval;
        this.status = status;
        this.onFailure = onFailure;
        this.base = new RunnerContext(projection.name(), projection.version());
        this.transactional = checkpoints.transactional();
    }

    /** Makes a runner waiting for live events look at its stop flag now. */
    void wakeUp() {
        LiveFeed f = feed;
        if (f != null) {
            f.wakeUp();
        }
    }

    @Override
    public void run() {
        Subscription subscription = null;
        try {
            start();
            status.state(ProjectionRunner.State.CATCHING_UP);
            long next = catchUp(committed.map(p -> p.value() + 1).orElse(0L));
            if (!status.stopRequested()) {
                LiveFeed live = new LiveFeed(Math.max(64, batchSize * 4), () -> exiting || status.stopRequested());
                feed = live;
                subscription = subscribe(next, live);
                follow(live);
            }
        } catch (StopRequested e) {
            // graceful: nothing half-done was committed
        } catch (Stopped e) {
            fail(e.failure);
        } catch (Throwable t) {
            fail(new ProjectionFailure(projection.name(), projection.version(), Stage.READ, Optional.empty(), 1, t));
        } finally {
            exiting = true;
            if (subscription != null) {
                subscription.close();
            }
            closeSession();
            status.stopped();
        }
    }

    private void fail(ProjectionFailure failure) {
        status.fail(failure);
        LOG.log(Level.ERROR, failure.message(), failure.cause());
        try {
            onFailure.accept(failure);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the onFailure callback of projection " + projection + " threw", e);
        }
    }

    private void closeSession() {
        if (session == null) {
            return;
        }
        try {
            session.flush(); // what committed before a failure is still a valid checkpoint
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "projection " + projection + ": the last checkpoint could not be written; "
                    + "events since the previous one will be applied again", e);
        } finally {
            session.close();
        }
    }

    /** Opens the session, makes a first version active, runs the start hook: one unit of work, retried. */
    private void start() {
        int attempt = 1;
        while (true) {
            try {
                if (session == null) {
                    session = checkpoints.open(projection.name(), projection.version());
                }
                try (ProjectionBatch<C> batch = session.begin()) {
                    ActiveVersion active = batch.activateIfNone();
                    base.outsideEvents();
                    C context = batch.context(base);
                    startHook(context);
                    if (active.version() == projection.version()) {
                        // Also when it became active earlier: a first version never went through a
                        // switch-over, and re-running an idempotent hook repairs a dropped view.
                        activationHook(context);
                    }
                    batch.commit(Optional.empty());
                }
                committed = session.checkpoint();
                status.committed(committed, 0);
                return;
            } catch (CheckpointConflictException e) {
                throw new Stopped(failure(Stage.START, null, attempt, e));
            } catch (Exception e) {
                attempt = backOffOrStop(Stage.START, null, attempt, e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void startHook(C context) throws Exception {
        ((Projection<C>) projection).start(context);
    }

    @SuppressWarnings("unchecked")
    private void activationHook(C context) throws Exception {
        ((Projection<C>) projection).activate(context);
    }

    @SuppressWarnings("unchecked")
    private void handle(RecordedEvent event, C context) throws Exception {
        // Projection<? super C> accepts a C; the cast only names that capture.
        ((Projection<C>) projection).handle(event, context);
    }

    /** Reads pages from {@code next} to the head; returns where the live subscription starts. */
    private long catchUp(long next) {
        int attempt = 1;
        while (!status.stopRequested()) {
            AllSlice slice;
            Optional<Position> headBefore;
            try {
                headBefore = store.info().headPosition();
                slice = store.readAll(ReadAllOptions.forwards().from(next).limit(batchSize).filter(projection.filter()));
                attempt = 1;
            } catch (RuntimeException e) {
                attempt = backOffOrStop(Stage.READ, null, attempt, e);
                continue;
            }
            List<RecordedEvent> events = slice.events();
            long after;
            if (slice.next().isPresent()) {
                after = slice.next().get().value();
            } else {
                // The read went to the head as of the read; that head is at least the one seen just
                // before it. Filtered-out events past that are scanned again live, harmlessly.
                after = Math.max(next, headBefore.map(p -> p.value() + 1).orElse(0L));
                if (!events.isEmpty()) {
                    after = Math.max(after, events.get(events.size() - 1).position().value() + 1);
                }
            }
            Optional<Position> scannedThrough = after > next ? Optional.of(Position.of(after - 1)) : Optional.empty();
            apply(withoutBookkeeping(events), scannedThrough);
            next = after;
            if (slice.next().isEmpty()) {
                return next;
            }
        }
        return next;
    }

    private Subscription subscribe(long from, LiveFeed live) {
        int attempt = 1;
        while (true) {
            try {
                return store.subscribeToAll(from, projection.filter(), live);
            } catch (RuntimeException e) {
                attempt = backOffOrStop(Stage.READ, null, attempt, e);
            }
        }
    }

    /** Takes what the subscription queued, a batch at a time, until a stop. */
    private void follow(LiveFeed live) throws InterruptedException {
        List<Object> drained = new ArrayList<>(batchSize);
        List<RecordedEvent> events = new ArrayList<>(batchSize);
        while (!status.stopRequested()) {
            Object first = live.queue().poll(idleInterval.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                idle();
                continue;
            }
            drained.add(first);
            live.queue().drainTo(drained, batchSize - 1);
            for (Object item : drained) {
                if (item instanceof RecordedEvent event) {
                    if (!checkpoints.isBookkeeping(event)) {
                        events.add(event);
                    }
                    continue;
                }
                apply(events, Optional.empty());
                events.clear();
                if (item == LiveFeed.CAUGHT_UP) {
                    status.state(ProjectionRunner.State.LIVE);
                } else if (item instanceof LiveFeed.Failed failed) {
                    throw new Stopped(failure(Stage.READ, null, 1, failed.error()));
                }
            }
            apply(events, Optional.empty());
            events.clear();
            drained.clear();
        }
    }

    private void idle() {
        try {
            session.idle();
        } catch (CheckpointConflictException e) {
            throw new Stopped(failure(Stage.COMMIT, null, 1, e));
        } catch (RuntimeException e) {
            // a time-based checkpoint write failed: the next commit or idle tries again
            LOG.log(Level.WARNING, "projection " + projection + ": writing the checkpoint failed; will try again", e);
        }
    }

    private List<RecordedEvent> withoutBookkeeping(List<RecordedEvent> events) {
        for (RecordedEvent event : events) {
            if (checkpoints.isBookkeeping(event)) {
                return events.stream().filter(e -> !checkpoints.isBookkeeping(e)).toList();
            }
        }
        return events;
    }

    /**
     * Applies {@code events} (in log order) and moves the checkpoint past them, or to
     * {@code scannedThrough} when that is further. On a handler failure: the events before the failing
     * one are kept (re-applied in a new transaction when the store rolled them back), the failing one
     * is retried on its own with backoff, and the runner stops when it keeps failing. Never skips one.
     */
    private void apply(List<RecordedEvent> events, Optional<Position> scannedThrough) {
        List<RecordedEvent> rest = events;
        int commitAttempt = 1;
        while (true) {
            rest = uncommitted(rest);
            Optional<Position> through = uncommitted(scannedThrough);
            if (rest.isEmpty() && through.isEmpty()) {
                return;
            }
            EventFailed failed = attemptOnce(rest, through);
            if (failed == null) {
                status.held(false);
                return;
            }
            if (failed.held()) {
                // The events before it committed; wait for the active version to move on (or for
                // this version to become the active one), then try the rest again.
                status.held(true);
                rest = rest.subList(failed.index(), rest.size());
                waitOrStop(idleInterval);
                continue;
            }
            if (failed.index() < 0) {
                commitAttempt = backOffOrStop(Stage.COMMIT, rest.isEmpty() ? null : rest.get(0), commitAttempt, failed.cause());
                refreshCommitted(); // a commit that failed in flight may have gone through
                continue;
            }
            if (transactional && failed.index() > 0) {
                apply(rest.subList(0, failed.index()), Optional.empty()); // rolled back with the failure, not failing itself
            }
            retryAlone(rest.get(failed.index()), failed.cause());
            rest = rest.subList(failed.index() + 1, rest.size());
        }
    }

    /** Tries one event on its own until it commits or the policy gives up. */
    private void retryAlone(RecordedEvent event, Exception firstCause) {
        Exception cause = firstCause;
        Stage stage = Stage.HANDLE;
        int attempt = 1;
        while (true) {
            attempt = backOffOrStop(stage, event, attempt, cause);
            EventFailed failed;
            while (true) {
                refreshCommitted();
                if (uncommitted(List.of(event)).isEmpty()) {
                    return; // a commit that seemed to fail had gone through
                }
                failed = attemptOnce(List.of(event), Optional.empty());
                if (failed == null || !failed.held()) {
                    break;
                }
                status.held(true); // waiting for the active version is not a failed attempt
                waitOrStop(idleInterval);
            }
            if (failed == null) {
                status.held(false);
                return;
            }
            stage = failed.index() < 0 ? Stage.COMMIT : Stage.HANDLE;
            cause = failed.cause();
        }
    }

    /**
     * Applies and commits the batch once. Returns null when it committed, the failing event's index
     * when a handler threw, or index -1 when the commit failed.
     */
    private EventFailed attemptOnce(List<RecordedEvent> events, Optional<Position> scannedThrough) {
        base.effects().clear();
        try (ProjectionBatch<C> batch = session.begin()) {
            Optional<ActiveVersion> active = batch.activeVersion();
            long holdAfter = holdAfter(batch, active);
            C context = batch.context(base);
            for (int i = 0; i < events.size(); i++) {
                RecordedEvent event = events.get(i);
                if (event.position().value() > holdAfter) {
                    if (i > 0) {
                        commit(batch, events.subList(0, i), Optional.empty());
                    }
                    return EventFailed.heldAt(i);
                }
                base.at(event, isReplay(active, event));
                try {
                    handle(event, context);
                } catch (Exception e) {
                    if (!transactional && i > 0) {
                        // Not transactional: the events before this one took effect; record that.
                        base.effects().removeIf(p -> p.event() == event);
                        commit(batch, events.subList(0, i), Optional.empty());
                    }
                    return new EventFailed(i, e);
                }
            }
            status.held(false); // before the commit is published, so a watcher never sees it stale
            commit(batch, events, scannedThrough);
            return null;
        } catch (CheckpointConflictException e) {
            throw new Stopped(failure(Stage.COMMIT, events.isEmpty() ? null : events.get(0), 1, e));
        } catch (Stopped | StopRequested e) {
            throw e;
        } catch (RuntimeException e) {
            return new EventFailed(-1, e); // begin, activeVersion or commit: the store, not a handler
        }
    }

    private void commit(ProjectionBatch<C> batch, List<RecordedEvent> events, Optional<Position> scannedThrough) {
        Optional<Position> through = scannedThrough;
        if (!events.isEmpty()) {
            through = InMemoryCheckpointStore.max(through, Optional.of(events.get(events.size() - 1).position()));
        }
        try {
            batch.commit(through);
        } catch (CheckpointConflictException e) {
            throw e;
        } catch (RuntimeException e) {
            if (transactional) {
                throw e;
            }
            // Not transactional: the effects happened and the session recorded the position; only
            // writing it failed, and the next commit or idle writes it.
            LOG.log(Level.WARNING, "projection " + projection + ": writing the checkpoint failed; will try again", e);
        }
        committed = InMemoryCheckpointStore.max(committed, through);
        status.committed(committed, events.size());
        fireSideEffects();
    }

    private void fireSideEffects() {
        List<RunnerContext.PendingEffect> effects = base.effects();
        if (effects.isEmpty()) {
            return;
        }
        List<RunnerContext.PendingEffect> due = List.copyOf(effects);
        effects.clear();
        for (RunnerContext.PendingEffect pending : due) {
            int attempt = 1;
            while (true) {
                try {
                    pending.effect().run();
                    break;
                } catch (RuntimeException e) {
                    attempt = backOffOrStop(Stage.SIDE_EFFECT, pending.event(), attempt, e);
                }
            }
        }
    }

    /**
     * The last position a rebuilding version may apply now: the active version's checkpoint. Past
     * it are events whose side effects nobody fired yet; a rebuild that applied them as replays
     * would leave them to the old version, which stops firing when the new one takes over, and
     * their side effects would be lost. Unlimited for the active version and for older ones.
     */
    private long holdAfter(ProjectionBatch<C> batch, Optional<ActiveVersion> active) {
        if (active.isEmpty() || active.get().version() >= projection.version()) {
            return Long.MAX_VALUE;
        }
        return batch.checkpointOf(active.get().version()).map(Position::value).orElse(-1L);
    }

    private void waitOrStop(Duration wait) {
        try {
            if (status.await(status::stopRequested, wait)) {
                throw new StopRequested();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StopRequested();
        }
    }

    private boolean isReplay(Optional<ActiveVersion> active, RecordedEvent event) {
        return active.isEmpty() || !active.get().firesSideEffectsAt(projection.version(), event.position());
    }

    private void refreshCommitted() {
        if (transactional) {
            try {
                committed = InMemoryCheckpointStore.max(committed, session.checkpoint());
            } catch (RuntimeException e) {
                // the store is unreachable; the next attempt finds out again
            }
        }
    }

    private List<RecordedEvent> uncommitted(List<RecordedEvent> events) {
        if (committed.isEmpty() || events.isEmpty() || events.get(0).position().compareTo(committed.get()) > 0) {
            return events;
        }
        Position done = committed.get();
        return events.stream().filter(e -> e.position().compareTo(done) > 0).toList();
    }

    private Optional<Position> uncommitted(Optional<Position> position) {
        return position.filter(p -> committed.isEmpty() || p.compareTo(committed.get()) > 0);
    }

    /** Waits before the next attempt and returns its number, or stops the runner when none is left. */
    private int backOffOrStop(Stage stage, RecordedEvent event, int attempt, Throwable cause) {
        if (attempt >= retry.maxAttempts()) {
            throw new Stopped(failure(stage, event, attempt, cause));
        }
        Duration wait = retry.backoffAfter(attempt);
        LOG.log(Level.WARNING, "projection " + projection + ": attempt " + attempt + " at " + stage
                + (event == null ? "" : " of " + event) + " failed (" + cause + "); trying again in " + wait.toMillis() + " ms");
        waitOrStop(wait);
        return attempt + 1;
    }

    private ProjectionFailure failure(Stage stage, RecordedEvent event, int attempts, Throwable cause) {
        return new ProjectionFailure(projection.name(), projection.version(), stage, Optional.ofNullable(event), attempts, cause);
    }
}
