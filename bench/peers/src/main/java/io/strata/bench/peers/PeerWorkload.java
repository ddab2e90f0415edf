package io.strata.bench.peers;

/** One workload of bench/WORKLOADS.md on a peer; mirrors the Strata driver's workload of the same id. */
interface PeerWorkload {
    /** Runs setup, warm-up and measurement on {@code run.log()}; throws when the run is not valid. */
    PeerMeasurement run(PeerRun run) throws Exception;
}
