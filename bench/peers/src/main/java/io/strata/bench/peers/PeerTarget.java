package io.strata.bench.peers;

import java.util.Map;
import java.util.Optional;

/**
 * One row of a peer in the comparison: a running peer with its settings, e.g. Kafka with
 * {@code flush.messages=1}. Two targets may share one server (Kafka's fsync and page-cache rows are two
 * topics on one broker). What a target says about itself is data ({@link KafkaTarget}, {@link NatsTarget},
 * {@link PostgresTarget} fill it in); only making its logs is code.
 *
 * @param name the target's name on the result line: {@code kafka}, {@code nats-jetstream} or {@code postgres}
 * @param durability what an acknowledgement means on this target (bench/WORKLOADS.md): {@code fsync} or
 *     {@code page-cache}
 * @param facts the settings and versions every result line of this target carries
 * @param unsupportedReasons by workload (W1 to W7), why this peer has no equivalent of it. A workload the peer
 *     cannot do as defined is reported as not supported, never bent into something else
 * @param factsByWorkload by workload, what its result line must say about how this peer did it where that
 *     differs from Strata, e.g. {@code "batch": "not atomic"} for W3 on Kafka
 * @param checksExpectedRevision whether an append can be made conditional on the stream's last revision
 *     (Kafka: no)
 * @param logs makes the log of each workload run
 */
record PeerTarget(String name, String durability, Map<String, Object> facts, Map<String, String> unsupportedReasons,
                  Map<String, Map<String, Object>> factsByWorkload, boolean checksExpectedRevision, Logs logs) {
    /** Makes a target's logs. */
    @FunctionalInterface
    interface Logs {
        /** A fresh, empty log named after {@code name} (a topic, a stream, a table); closing it deletes it. */
        PeerLog create(String name) throws Exception;
    }

    /** Why this peer has no equivalent of {@code workload}, or empty when it runs it. */
    Optional<String> unsupported(String workload) {
        return Optional.ofNullable(unsupportedReasons.get(workload));
    }

    /** What the line of {@code workload} must say about how this peer did it; empty when nothing differs. */
    Map<String, Object> workloadFacts(String workload) {
        return factsByWorkload.getOrDefault(workload, Map.of());
    }

    /** A fresh, empty log for one workload run; closing it deletes it. */
    PeerLog createLog(String name) throws Exception {
        return logs.create(name);
    }
}
