package io.strata.eventsourcing;

import java.util.OptionalLong;

/**
 * Where a fold stands: the state after {@code revision} (-1: no event yet) and how many events were
 * folded since the snapshot it started from (or since the start), which the snapshot policy reads.
 */
record Replay<S>(S state, long revision, long eventsSinceSnapshot) {
    static final long NONE = -1;

    static <S> Replay<S> initial(S state) {
        return new Replay<>(state, NONE, 0);
    }

    OptionalLong lastRevision() {
        return revision == NONE ? OptionalLong.empty() : OptionalLong.of(revision);
    }

    LoadedAggregate<S> toLoaded(String id, String stream) {
        return new LoadedAggregate<>(id, stream, state, lastRevision());
    }
}
