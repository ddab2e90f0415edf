package io.strata.eventsourcing;

import io.strata.core.EventStore;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import io.strata.eventsourcing.serialization.EventSerializer;

/**
 * Reads an aggregate's events page by page and folds them into its state. Thread-safe (stateless).
 */
final class StreamFolder<S, E> {
    /** The remote API's largest page (the HTTP API's limit); one page holds most aggregates whole. */
    static final int PAGE = 1000;

    private final EventStore store;
    private final EventSerializer serializer;
    private final Decider<?, S, E> decider;

    StreamFolder(EventStore store, EventSerializer serializer, Decider<?, S, E> decider) {
        this.store = store;
        this.serializer = serializer;
        this.decider = decider;
    }

    /** {@code start} with every event after its revision up to {@code toRevision} (inclusive) folded in. */
    Replay<S> foldAfter(String stream, Replay<S> start, long toRevision) {
        S state = start.state();
        long revision = start.revision();
        long folded = start.eventsSinceSnapshot();
        while (revision < toRevision) {
            long from = revision + 1;
            int limit = (int) Math.min(PAGE - 1, toRevision - from) + 1; // from ≥ 0: no overflow at Long.MAX_VALUE
            StreamSlice slice;
            try {
                slice = store.readStream(stream, ReadStreamOptions.forwards().from(from).limit(limit));
            } catch (StreamNotFoundException e) {
                break;
            }
            for (RecordedEvent recorded : slice.events()) {
                state = evolve(state, recorded);
                revision = recorded.revision();
                folded++;
            }
            if (slice.events().isEmpty() || slice.next().isEmpty()) {
                break;
            }
        }
        return new Replay<>(state, revision, folded);
    }

    /**
     * Folds one stored event. The cast to {@code E} is unchecked because the registry decodes to
     * {@code Object}: an event of another aggregate's type in this stream surfaces as a
     * {@link ClassCastException} inside {@code evolve}, rewrapped here to name the event.
     */
    @SuppressWarnings("unchecked")
    private S evolve(S state, RecordedEvent recorded) {
        Object payload = serializer.deserialize(recorded).payload();
        try {
            return decider.evolve(state, (E) payload);
        } catch (ClassCastException e) {
            throw new IllegalStateException("event " + recorded.stream() + "@" + recorded.revision() + " ("
                    + recorded.type() + ", " + payload.getClass().getName()
                    + ") cannot be folded by this aggregate's decider: " + e.getMessage(), e);
        }
    }
}
