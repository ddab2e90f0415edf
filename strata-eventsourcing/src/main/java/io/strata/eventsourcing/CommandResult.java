package io.strata.eventsourcing;

import io.strata.core.AppendResult;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What handling a command did.
 *
 * @param stream   the aggregate's stream
 * @param events   the events appended, in order; empty when the command changed nothing
 * @param state    the state after them
 * @param revision the aggregate's last revision afterwards; empty when it still has no events
 * @param append   where the events landed (positions let a caller wait for projections to catch
 *                 up); empty when nothing was appended
 * @param attempts how many times the command was decided: 1 plus the concurrency conflicts retried
 */
public record CommandResult<S, E>(String stream, List<E> events, S state, OptionalLong revision,
                                  Optional<AppendResult> append, int attempts) {
    public CommandResult {
        Objects.requireNonNull(stream, "stream");
        events = List.copyOf(events);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(append, "append");
    }

    /** Whether the command appended nothing. */
    public boolean changedNothing() {
        return events.isEmpty();
    }
}
