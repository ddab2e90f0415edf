package io.strata.bench.peers;

import java.util.Map;
import java.util.Optional;

/**
 * One row of a peer in the comparison: a running peer with its settings, e.g. Kafka with
 * {@code flush.messages=1}. Two targets may share one server (Kafka's fsync and page-cache rows are two
 * topics on one broker).
 */
interface PeerTarget {
    /** The target's name on the result line: {@code kafka}, {@code nats-jetstream} or {@code postgres}. */
    String name();

    /** What an acknowledgement means on this target (bench/WORKLOADS.md): {@code fsync} or {@code page-cache}. */
    String durability();

    /** The settings and versions every result line of this target carries. */
    Map<String, Object> facts();

    /**
     * Why this peer has no equivalent of {@code workload} (W1 to W7), or empty when it runs it. A workload
     * the peer cannot do as defined is reported as not supported, never bent into something else.
     */
    Optional<String> unsupported(String workload);

    /**
     * What a workload's result line must say about how this peer did it where that differs from Strata,
     * e.g. {@code "batch": "not atomic"} for W3 on Kafka. Empty when nothing differs.
     */
    default Map<String, Object> workloadFacts(String workload) {
        return Map.of();
    }

    /** Whether an append can be made conditional on the stream's last revision (Kafka: no). */
    boolean checksExpectedRevision();

    /** A fresh, empty log for one workload run (a topic, a stream, a table); closing it deletes it. */
    PeerLog createLog(String name) throws Exception;
}
