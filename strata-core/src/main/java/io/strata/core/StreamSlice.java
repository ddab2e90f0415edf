package io.strata.core;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of a stream read.
 *
 * @param lastRevision the stream's last revision (as of the read's {@code asOf}, if any)
 * @param next         the {@code from} of the following page; empty at the end
 */
public record StreamSlice(String stream, List<RecordedEvent> events, long lastRevision, OptionalLong next) {
    public StreamSlice {
        events = List.copyOf(events);
    }
}
