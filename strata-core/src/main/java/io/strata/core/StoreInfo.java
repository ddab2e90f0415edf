package io.strata.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a store is and holds.
 *
 * @param headPosition     the position of the last durable event; empty when the log is empty
 * @param dedupWindow      how long event ids are remembered for idempotent appends
 * @param dedupWindowEvents how many of the latest events' ids are remembered (whichever is less)
 */
public record StoreInfo(String version, String engine, Durability durability, Optional<Position> headPosition,
                        long streams, long events, Instant startedAt, Duration dedupWindow, long dedupWindowEvents) {
}
