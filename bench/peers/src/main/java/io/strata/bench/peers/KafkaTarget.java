package io.strata.bench.peers;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Kafka as an event log: each run gets its own topic with one partition (a single total order, as
 * {@code $all}; one replica, as the broker is alone), the stream name as the record key, the 256-byte
 * event as the value. Producer {@code acks=all}; with {@code flush.messages=1} on the topic the broker
 * fsyncs before it acknowledges ({@code fsync}), without it the acknowledgement means written to the
 * page cache ({@code page-cache}).
 */
final class KafkaTarget implements PeerTarget {
    private final KafkaBroker broker;
    private final boolean fsync;

    KafkaTarget(KafkaBroker broker, boolean fsync) {
        this.broker = broker;
        this.fsync = fsync;
    }

    @Override
    public String name() {
        return KafkaBroker.NAME;
    }

    @Override
    public String durability() {
        return fsync ? "fsync" : "page-cache";
    }

    @Override
    public Map<String, Object> facts() {
        return PeerLines.facts(
                "server", "Apache Kafka " + KafkaBroker.version() + ", one KRaft broker+controller in a child JVM (-Xmx1G, G1)",
                "acks", "all",
                "flushMessages", fsync ? "1 (fsync before the acknowledgement)" : "broker default (no fsync per append)",
                "topic", "1 partition, 1 replica, key = stream",
                "client", "kafka-clients " + KafkaBroker.version() + ", one producer (linger.ms=0, batch.size=256 KiB, idempotent)");
    }

    @Override
    public Optional<String> unsupported(String workload) {
        return switch (workload) {
            case "W2" -> Optional.of("Kafka has no conditional append: a producer cannot make an append depend on"
                    + " the stream's (key's) last revision");
            case "W5" -> Optional.of("Kafka has no index by key: reading one stream means scanning its partition");
            case "W7" -> Optional.of("a Kafka consumer commits an offset per partition; it cannot ack each event"
                    + " and park one without blocking the others");
            default -> Optional.empty();
        };
    }

    @Override
    public Map<String, Object> workloadFacts(String workload) {
        return switch (workload) {
            case "W3" -> Map.of("batch", "100 records sent together, each acknowledged; not atomic");
            case "W4" -> Map.of("reader", "KafkaConsumer, assign + seekToBeginning, max.poll.records = page size");
            case "W6" -> Map.of("subscriber", "a KafkaConsumer each (assign + seekToEnd), polling on its own thread");
            default -> Map.of();
        };
    }

    @Override
    public boolean checksExpectedRevision() {
        return false;
    }

    @Override
    public PeerLog createLog(String name) throws Exception {
        String topic = name + (fsync ? "-fsync" : "-pagecache");
        broker.admin().createTopics(List.of(KafkaBroker.topic(topic, fsync))).all().get(30, TimeUnit.SECONDS);
        return new KafkaLog(broker, topic);
    }
}
