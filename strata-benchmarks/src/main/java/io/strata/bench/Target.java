package io.strata.bench;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a workload runs against (bench/WORKLOADS.md, "Targets"): it hands out the {@link EventStore}
 * the workload measures, so that the workloads themselves never know whether they talk to the engine
 * in-process or to a server. {@link Targets} finds one by name.
 */
interface Target {
    /** The name on the result line, e.g. {@code strata-http}. */
    String name();

    /**
     * A store whose data lives in {@code folder} (empty or left there by an earlier {@code open} of
     * the same run), acknowledging appends with {@code durability}. Closing the store releases
     * everything the target started for it (clients, servers, files).
     */
    EventStore open(Path folder, Durability durability);

    /** Facts about how the target runs that every result line of it carries, as extras. */
    default Map<String, Object> facts() {
        return Map.of();
    }
}
