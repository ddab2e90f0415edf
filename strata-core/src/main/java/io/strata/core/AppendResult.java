package io.strata.core;

import java.time.Instant;

/** Where an append landed: its first and last revision in the stream and position in the log. */
public record AppendResult(String stream, long firstRevision, long lastRevision, Position firstPosition,
                           Position lastPosition, Instant recordedTime) {
}
