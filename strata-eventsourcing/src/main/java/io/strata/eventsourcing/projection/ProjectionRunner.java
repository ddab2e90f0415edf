package io.strata.eventsourcing.projection;

import io.strata.core.EventStore;
import io.strata.core.Position;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Feeds one {@link Projection} version from the log, on a thread of its own: catch-up from its
 * checkpoint, then live; in log order; in batches, each committed with the checkpoint through the
 * {@link CheckpointStore} (which decides the delivery guarantee).
 *
 * <p>When a handler throws, the runner retries that event with backoff ({@link RetryPolicy}), then
 * stops in state {@link State#FAILED} and reports ({@link #failure()}, the {@code onFailure}
 * callback, the {@code System.Logger}); it never moves its checkpoint past an event that did not
 * take effect. {@link #stop()} ends it gracefully: the batch in progress commits, the checkpoint is
 * made durable.
 *
 * <p>Thread-safe.
 */
public final class ProjectionRunner implements AutoCloseable {

    /** Where a runner is in its life. */
    public enum State {
        /** Opening its checkpoint session and running the start hook. */
        STARTING,
        /** Reading history from its checkpoint towards the head. */
        CATCHING_UP,
        /** At the head: applying events as they are appended. */
        LIVE,
        /** Stopped by {@link #stop()}. */
        STOPPED,
        /** Stopped on a failure: see {@link #failure()}. */
        FAILED
    }

    private final Projection<?> projection;
    private final RunnerStatus status;
    private final RunnerLoop<?> loop;
    private final Thread thread;

    private <C extends ProjectionContext> ProjectionRunner(Builder<C> builder) {
        this.projection = builder.projection;
        this.status = new RunnerStatus();
        RunnerLoop<C> body = new RunnerLoop<>(builder.store, builder.projection, builder.checkpoints, builder.batchSize,
                builder.retry, builder.idleInterval, status, builder.onFailure);
        this.loop = body;
        // A platform thread: handlers may block in JDBC drivers, which can pin a virtual thread's carrier.
        this.thread = Thread.ofPlatform().daemon().name("strata-projection-" + projection.name() + "-v" + projection.version())
                .unstarted(body);
    }

    /** Starts a runner with the default options. */
    public static <C extends ProjectionContext> ProjectionRunner start(EventStore store, Projection<? super C> projection,
                                                                       CheckpointStore<C> checkpoints) {
        return builder(store, projection, checkpoints).start();
    }

    public static <C extends ProjectionContext> Builder<C> builder(EventStore store, Projection<? super C> projection,
                                                                  CheckpointStore<C> checkpoints) {
        return new Builder<>(store, projection, checkpoints);
    }

    public String projection() {
        return projection.name();
    }

    public int version() {
        return projection.version();
    }

    public State state() {
        return status.state();
    }

    /** Why it stopped, when it stopped on a failure. */
    public Optional<ProjectionFailure> failure() {
        return status.failure();
    }

    /** The last position this runner committed through (events or scanned past); empty before the first. */
    public Optional<Position> checkpoint() {
        return status.checkpoint();
    }

    /**
     * Whether this runner (a version being rebuilt) waits at the active version's checkpoint: it
     * does not apply events whose side effects the active version has not fired yet (see
     * {@link ProjectionRebuild}). It moves on as the active version does, or when it becomes active.
     */
    public boolean isHeld() {
        return status.held();
    }

    /** Events handed to the projection and committed by this runner since it started. */
    public long eventsHandled() {
        return status.eventsHandled();
    }

    /**
     * Waits until the runner has applied the history it found and follows the log live.
     *
     * @return false on timeout or if it stopped first
     * @throws ProjectionFailedException it stopped on a failure
     */
    public boolean awaitLive(Duration timeout) {
        return await(() -> status.state() == State.LIVE, timeout);
    }

    /**
     * Waits until the runner has committed through {@code position} (or past it).
     *
     * @return false on timeout or if it stopped first
     * @throws ProjectionFailedException it stopped on a failure
     */
    public boolean awaitCheckpoint(Position position, Duration timeout) {
        Objects.requireNonNull(position, "position");
        return await(() -> status.checkpoint().filter(p -> p.compareTo(position) >= 0).isPresent(), timeout);
    }

    /** Waits until the runner is live or held at the active version's checkpoint (a rebuild's "caught up"). */
    boolean awaitLiveOrHeld(Duration timeout) {
        return await(() -> status.state() == State.LIVE || status.held(), timeout);
    }

    /** Waits until the runner stopped, for a stop or a failure; returns whether it did in time. */
    public boolean awaitTermination(Duration timeout) {
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private boolean await(java.util.function.BooleanSupplier condition, Duration timeout) {
        try {
            return status.await(condition, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops gracefully and waits for it: the batch in progress commits (a handler being retried is
     * abandoned, uncommitted, and tried again at the next start), the checkpoint is made durable.
     */
    public void stop() {
        status.requestStop();
        loop.wakeUp();
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "ProjectionRunner[" + projection + ", " + state() + ", checkpoint " + checkpoint().map(Position::token).orElse("none") + "]";
    }

    private void startThread() {
        thread.start();
    }

    /** Options of a runner. Not thread-safe. */
    public static final class Builder<C extends ProjectionContext> {
        private final EventStore store;
        private final Projection<? super C> projection;
        private final CheckpointStore<C> checkpoints;
        private int batchSize = 500;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Duration idleInterval = Duration.ofMillis(200);
        private Consumer<ProjectionFailure> onFailure = failure -> { };

        private Builder(EventStore store, Projection<? super C> projection, CheckpointStore<C> checkpoints) {
            this.store = Objects.requireNonNull(store, "store");
            this.projection = Objects.requireNonNull(projection, "projection");
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        }

        /**
         * At most this many events per unit of work (default 500): bigger batches mean fewer
         * transactions (JDBC) and more work redone after a failure. Live batches are smaller when
         * fewer events are waiting.
         */
        public Builder<C> batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize is 1 or more, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public Builder<C> retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * How long a live runner waits for events before it tells the session it is idle (so a
         * checkpoint due by time gets written); default 200 ms.
         */
        public Builder<C> idleInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("idleInterval must be positive, got " + interval);
            }
            this.idleInterval = interval;
            return this;
        }

        /** Called once, on the runner's thread, when it stops on a failure. */
        public Builder<C> onFailure(Consumer<ProjectionFailure> onFailure) {
            this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
            return this;
        }

        EventStore store() {
            return store;
        }

        Projection<? super C> projection() {
            return projection;
        }

        CheckpointStore<C> checkpoints() {
            return checkpoints;
        }

        public ProjectionRunner start() {
            ProjectionRunner runner = new ProjectionRunner(this);
            runner.startThread();
            return runner;
        }
    }
}
