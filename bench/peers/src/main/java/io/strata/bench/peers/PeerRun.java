package io.strata.bench.peers;

import io.strata.bench.ClosedLoop;
import io.strata.bench.WorkloadSizes;
import java.util.function.Consumer;

/**
 * What a peer workload gets: its id, the sizes of the run (the same as the Strata targets'), the
 * target, a fresh log on it, and the progress channel.
 */
record PeerRun(String workload, WorkloadSizes sizes, PeerTarget target, PeerLog log, Consumer<String> progress) {
    /** Prints "[kafka fsync] W2 {message}" to the progress channel. */
    void say(String message) {
        progress.accept("[" + target.name() + " " + target.durability() + "] " + workload + " " + message);
    }

    /** The Strata driver's closed loop (W2, W3), its clients' threads named after this workload, reporting here. */
    ClosedLoop closedLoop() {
        return new ClosedLoop(workload, this::say, sizes.progressInterval(), sizes.waitForJit());
    }
}
