package io.strata.bench.peers;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kafka as an event log: each run gets its own topic with one partition (a single total order, as
 * {@code $all}; one replica, as the broker is alone), the stream name as the record key, the 256-byte
 * event as the value. Producer {@code acks=all}; with {@code flush.messages=1} on the topic the broker
 * fsyncs before it acknowledges ({@code fsync}), without it the acknowledgement means written to the
 * page cache ({@code page-cache}).
 */
final class KafkaTarget {
    private KafkaTarget() {
    }

    /** The target of the topics of {@code broker} with {@code flush.messages=1} ({@code fsync}) or without. */
    static PeerTarget of(KafkaBroker broker, boolean fsync) {
        return new PeerTarget(KafkaBroker.NAME, fsync ? "fsync" : "page-cache",
                PeerLines.facts(
                        "server", "Apache Kafka " + KafkaBroker.version() + ", one KRaft broker+controller in a child JVM (-Xmx1G, G1)",
                        "acks", "all",
                        "flushMessages", fsync ? "1 (fsync before the acknowledgement)" : "broker default (no fsync per append)",
                        "topic", "1 partition, 1 replica, key = stream",
                        "client", "kafka-clients " + KafkaBroker.version() + ", one producer (linger.ms=0, batch.size=256 KiB, idempotent)"),
                Map.of(
                        "W2", "Kafka has no conditional append: a producer cannot make an append depend on"
                                + " the stream's (key's) last revision",
                        "W5", "Kafka has no index by key: reading one stream means scanning its partition",
                        "W7", "a Kafka consumer commits an offset per partition; it cannot ack each event"
                                + " and park one without blocking the others"),
                Map.of(
                        "W3", Map.of("batch", "100 records sent together, each acknowledged; not atomic"),
                        "W4", Map.of("reader", "KafkaConsumer, assign + seekToBeginning, max.poll.records = page size"),
                        "W6", Map.of("subscriber", "a KafkaConsumer each (assign + seekToEnd), polling on its own thread")),
                false, // no conditional append: each append is unconditional (ANY)
                name -> {
                    String topic = name + (fsync ? "-fsync" : "-pagecache");
                    broker.admin().createTopics(List.of(KafkaBroker.topic(topic, fsync))).all().get(30, TimeUnit.SECONDS);
                    return new KafkaLog(broker, topic);
                });
    }
}
