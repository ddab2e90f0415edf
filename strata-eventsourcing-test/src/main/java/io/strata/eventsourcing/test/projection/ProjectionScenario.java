package io.strata.eventsourcing.test.projection;

import io.strata.core.EventData;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.eventsourcing.projection.Projection;
import io.strata.eventsourcing.projection.ProjectionContext;
import io.strata.eventsourcing.serialization.EventMetadata;
import io.strata.eventsourcing.serialization.EventSerializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One run of a {@link ProjectionFixture}: the given events, in order, then the checks. Events get the
 * positions 0, 1, 2, …, revisions per stream, ids {@code 00000000-0000-0000-0000-<position + 1>}
 * and recorded times one second apart from 2026-01-01T00:00:00Z, so failures are reproducible.
 *
 * <p>Events are applied when the first check runs. Side effects registered by the handlers run after
 * each event, as after a commit (none in {@link #asReplay()} mode). Not thread-safe.
 */
public final class ProjectionScenario<M> {
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final M model;
    private final Projection<ProjectionContext> projection;
    private final List<RecordedEvent> events = new ArrayList<>();
    private final Map<String, Long> revisions = new HashMap<>();
    private boolean replay;
    private boolean applied;
    private int sideEffects;

    ProjectionScenario(M model, Projection<ProjectionContext> projection) {
        this.model = model;
        this.projection = Objects.requireNonNull(projection, "the fixture's projection");
    }

    /** More events appended to {@code stream}; see {@link ProjectionFixture#given(String, Object...)}. */
    public ProjectionScenario<M> and(String stream, Object... events) {
        for (Object event : events) {
            append(stream, toData(event, EventMetadata.empty()));
        }
        return this;
    }

    /** One more event with metadata. */
    public ProjectionScenario<M> and(String stream, Object event, EventMetadata metadata) {
        append(stream, toData(event, metadata));
        return this;
    }

    /**
     * Applies the events as a replay (a rebuild, or events an earlier version already handled):
     * {@code isReplay()} is true and registered side effects do not fire, as in the runner.
     */
    public ProjectionScenario<M> asReplay() {
        this.replay = true;
        return this;
    }

    /** Runs {@code assertion} on the model after the events; returns the model. */
    public M then(Consumer<? super M> assertion) {
        apply();
        assertion.accept(model);
        return model;
    }

    /** Checks that the model equals {@code expected}; the failure shows a line diff of the two. */
    public M expectState(M expected) {
        apply();
        check("the projection's state", expected, model);
        return model;
    }

    /**
     * Checks a view of the model (e.g. {@code Balances::byAccount}, for a model class without
     * {@code equals}) against {@code expected}.
     */
    public <V> M expectState(Function<? super M, ? extends V> view, V expected) {
        apply();
        check("the projection's state", expected, view.apply(model));
        return model;
    }

    /** Checks how many side effects fired (were registered outside replay mode, and ran). */
    public M expectSideEffects(int count) {
        apply();
        if (sideEffects != count) {
            throw new AssertionError("expected " + count + " side effects to fire, " + sideEffects + " did"
                    + (replay ? " (in replay mode none fire)" : ""));
        }
        return model;
    }

    /** The events as the projection saw them (for checks on positions or ids). */
    public List<RecordedEvent> events() {
        return List.copyOf(events);
    }

    private static void check(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(what + " differs (- expected, + actual):\n" + StateDiff.diff(expected, actual));
        }
    }

    private EventData toData(Object event, EventMetadata metadata) {
        Objects.requireNonNull(event, "event");
        if (event instanceof EventData data) {
            return data;
        }
        EventSerializer serializer = projection.serializer().orElseThrow(() -> new IllegalArgumentException(
                "cannot turn a " + event.getClass().getName() + " into an event: the projection has no serializer; "
                        + "give EventData, or typed events to a projection with serializer(...)"));
        return serializer.serialize(event, metadata);
    }

    private void append(String stream, EventData data) {
        if (applied) {
            throw new IllegalStateException("add the given events before the first check");
        }
        long position = events.size();
        long revision = revisions.merge(stream, 0L, (last, zero) -> last + 1);
        events.add(new RecordedEvent(data.id().orElse(new UUID(0, position + 1)), stream, data.type(), revision,
                Position.of(position), EPOCH.plusSeconds(position), data.validTime(), data.contentType(), data.data(), data.metadata()));
    }

    private void apply() {
        if (applied) {
            return;
        }
        applied = true;
        Context context = new Context();
        for (RecordedEvent event : events) {
            try {
                projection.handle(event, context);
            } catch (Exception e) {
                throw new AssertionError("projection " + projection + " threw on " + event.type() + " " + event.stream() + "@"
                        + event.revision() + " (position " + event.position() + "): " + e, e);
            }
            List<Runnable> due = List.copyOf(context.pending);
            context.pending.clear();
            due.forEach(Runnable::run);
        }
    }

    /** The handlers' context: a replay or not, side effects run after each event. */
    private final class Context implements ProjectionContext {
        final List<Runnable> pending = new ArrayList<>();

        @Override
        public String projection() {
            return projection.name();
        }

        @Override
        public int version() {
            return projection.version();
        }

        @Override
        public boolean isReplay() {
            return replay;
        }

        @Override
        public void sideEffect(Runnable effect) {
            Objects.requireNonNull(effect, "effect");
            if (!replay) {
                sideEffects++;
                pending.add(effect);
            }
        }
    }
}
