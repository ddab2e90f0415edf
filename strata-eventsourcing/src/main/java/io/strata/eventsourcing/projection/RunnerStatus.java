package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What a runner's thread publishes to the threads that watch it, and the one monitor they wait on.
 * Written by the runner thread only (except {@link #requestStop}); thread-safe.
 */
final class RunnerStatus {
    private volatile ProjectionRunner.State state = ProjectionRunner.State.STARTING;
    private volatile ProjectionFailure failure;
    private volatile Position checkpoint;
    private volatile long eventsHandled;
    private volatile boolean stopRequested;
    private volatile boolean held;

    ProjectionRunner.State state() {
        return state;
    }

    Optional<ProjectionFailure> failure() {
        return Optional.ofNullable(failure);
    }

    Optional<Position> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    long eventsHandled() {
        return eventsHandled;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    boolean held() {
        return held;
    }

    void held(boolean held) {
        if (this.held != held) {
            synchronized (this) {
                this.held = held;
                notifyAll();
            }
        }
    }

    synchronized void requestStop() {
        stopRequested = true;
        notifyAll();
    }

    synchronized void state(ProjectionRunner.State state) {
        if (this.state != ProjectionRunner.State.FAILED && this.state != ProjectionRunner.State.STOPPED) {
            this.state = state;
        }
        notifyAll();
    }

    synchronized void committed(Optional<Position> checkpoint, long handled) {
        checkpoint.ifPresent(position -> this.checkpoint = position);
        this.eventsHandled += handled;
        notifyAll();
    }

    synchronized void fail(ProjectionFailure failure) {
        if (this.failure == null) {
            this.failure = failure;
        }
        this.state = ProjectionRunner.State.FAILED;
        notifyAll();
    }

    synchronized void stopped() {
        if (state != ProjectionRunner.State.FAILED) {
            state = ProjectionRunner.State.STOPPED;
        }
        notifyAll();
    }

    boolean terminated() {
        ProjectionRunner.State s = state;
        return s == ProjectionRunner.State.STOPPED || s == ProjectionRunner.State.FAILED;
    }

    /** Waits until {@code condition} or the runner ended; returns the condition's last value. */
    synchronized boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && !terminated()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        if (failure != null) {
            throw new ProjectionFailedException(failure);
        }
        return condition.getAsBoolean();
    }
}
