package io.strata.bench;

/** One workload of {@code bench/WORKLOADS.md} against the embedded engine. */
interface Workload {
    /** Runs setup, warm-up and measurement in {@code context.folder()}; throws when the run is not valid. */
    Measurement run(RunContext context) throws Exception;
}
