package io.strata.bench.peers;

import java.util.Optional;

/** The peer side of each workload of bench/WORKLOADS.md, by id. */
final class PeerWorkloads {
    private PeerWorkloads() {
    }

    /** The workload {@code id}; empty for W7, which no peer has an equivalent for. */
    static Optional<PeerWorkload> named(String id) {
        return switch (id) {
            case "W1" -> Optional.of(new SerialAppends());
            case "W2" -> Optional.of(new ConcurrentAppends());
            case "W3" -> Optional.of(new BatchedAppends());
            case "W4" -> Optional.of(new CatchUpRead());
            case "W5" -> Optional.of(new StreamRead());
            case "W6" -> Optional.of(new LiveFanOut());
            default -> Optional.empty();
        };
    }
}
