package io.strata.bench;

import io.strata.core.Durability;
import java.nio.file.Path;
import java.util.List;

/**
 * One invocation of the workload driver.
 *
 * @param workloads     workload ids, {@code W1} to {@code W7} (case-insensitive), run in this order
 * @param target        what to run against: {@code strata-embedded} (the in-process engine) is the only
 *                      target that exists so far
 * @param quick         run every workload scaled down (about a minute for W1 to W6); the JSON line
 *                      then says {@code "quick": true}
 * @param durability    what an acknowledged append means on the target; {@code null} means fsync
 * @param workDirectory a folder in which each workload makes a fresh store subfolder and deletes it
 *                      afterwards; created when missing
 */
public record BenchRequest(List<String> workloads, String target, boolean quick, Durability durability,
                           Path workDirectory) {
    public BenchRequest {
        workloads = workloads == null ? List.of() : List.copyOf(workloads);
    }
}
