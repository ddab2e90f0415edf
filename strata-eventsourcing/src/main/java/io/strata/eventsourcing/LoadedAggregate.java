package io.strata.eventsourcing;

import io.strata.core.ExpectedRevision;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * An aggregate's state and the revision of the last event folded into it.
 *
 * @param id       the aggregate id
 * @param stream   its stream, {@code category-id}
 * @param state    the state after every event up to {@code revision}
 * @param revision the last event's revision; empty when the aggregate has no events (yet, or as of
 *                 the requested time)
 */
public record LoadedAggregate<S>(String id, String stream, S state, OptionalLong revision) {
    public LoadedAggregate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(revision, "revision");
    }

    /** Whether the aggregate has at least one event. */
    public boolean exists() {
        return revision.isPresent();
    }

    /** What an append after this load expects: exactly this revision, or no stream. */
    public ExpectedRevision expectedRevision() {
        return revision.isPresent() ? ExpectedRevision.exactly(revision.getAsLong()) : ExpectedRevision.NO_STREAM;
    }
}
