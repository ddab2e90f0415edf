package io.strata.eventsourcing.projection;

import io.strata.core.RecordedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The runner's side of {@link ProjectionContext}: which event is being handled, whether it is a
 * replay, and the side effects waiting for the batch to commit. One per runner, reused for every
 * event (the hot path does not allocate a context per event). Not thread-safe.
 */
final class RunnerContext implements ProjectionContext {
    /** A side effect and the event that asked for it (named in a failure report). */
    record PendingEffect(RecordedEvent event, Runnable effect) {
    }

    private final String projection;
    private final int version;
    private final List<PendingEffect> effects = new ArrayList<>();
    private RecordedEvent event;
    private boolean replay;

    RunnerContext(String projection, int version) {
        this.projection = projection;
        this.version = version;
    }

    void at(RecordedEvent event, boolean replay) {
        this.event = event;
        this.replay = replay;
    }

    /** Outside any event (hooks): side effects are not taken. */
    void outsideEvents() {
        this.event = null;
        this.replay = true;
    }

    List<PendingEffect> effects() {
        return effects;
    }

    @Override
    public String projection() {
        return projection;
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public boolean isReplay() {
        return replay;
    }

    @Override
    public void sideEffect(Runnable effect) {
        Objects.requireNonNull(effect, "effect");
        if (!replay) {
            effects.add(new PendingEffect(event, effect));
        }
    }
}
