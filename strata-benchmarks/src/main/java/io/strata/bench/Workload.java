package io.strata.bench;

/** One workload of {@code bench/WORKLOADS.md}; its stores come from {@link RunContext#openStore}, whatever the target. */
interface Workload {
    /** Runs setup, warm-up and measurement in {@code context.folder()}; throws when the run is not valid. */
    Measurement run(RunContext context) throws Exception;
}
