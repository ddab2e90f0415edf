package io.strata.core;

import java.util.List;
import java.util.Optional;

/**
 * One page of a read of {@code $all}.
 *
 * @param next the {@code from} of the following page, past every event this read scanned (returned
 *             or filtered out); empty at the end of the log (forwards) or its start (backwards)
 */
public record AllSlice(List<RecordedEvent> events, Optional<Position> next) {
    public AllSlice {
        events = List.copyOf(events);
    }
}
