package io.strata.bench.peers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One topic of one partition for one run. All appenders share one {@link KafkaProducer}, as a service's
 * threads would (it is thread-safe and batches what they send together); readers and subscribers are a
 * {@link KafkaConsumer} each, assigned the partition (no consumer group).
 */
final class KafkaLog implements PeerLog {
    private final KafkaBroker broker;
    private final String topic;
    private final TopicPartition partition;
    private final KafkaProducer<String, byte[]> producer;

    KafkaLog(KafkaBroker broker, String topic) {
        this.broker = broker;
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Kafka 4 lingers 5 ms by default to batch; a serial append (W1) would wait that long for nothing.
        // Under load records still batch while earlier requests are in flight.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // The default 16 KiB splits W3's append of 100 events (~30 KiB) into two batches, each fsync'd
        // with flush.messages=1; a Kafka user batching on purpose raises it.
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
    }

    @Override
    public Appender appender() {
        return (stream, expected, events) -> {
            if (expected != Appender.ANY) {
                throw new IllegalArgumentException("Kafka cannot check an expected revision");
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
            for (byte[] event : events) {
                sent.add(producer.send(new ProducerRecord<>(topic, stream, event)));
            }
            long offset = -1;
            for (Future<RecordMetadata> future : sent) {
                offset = future.get().offset();
            }
            return offset;
        };
    }

    @Override
    public AsyncWriter asyncWriter(int maxInFlight) {
        return new CallbackAsyncWriter(maxInFlight) {
            @Override
            void start(String stream, List<byte[]> events) {
                AtomicInteger left = new AtomicInteger(events.size());
                for (byte[] event : events) {
                    producer.send(new ProducerRecord<>(topic, stream, event), (metadata, error) -> {
                        failIf(error);
                        if (left.decrementAndGet() == 0) {
                            settled();
                        }
                    });
                }
            }
        };
    }

    @Override
    public PageReader pageReader(int pageSize) {
        KafkaConsumer<byte[], byte[]> consumer = consumer(pageSize);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return new PageReader() {
            @Override
            public int nextPage(ObjLongConsumer<byte[]> events) {
                int count = 0;
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    events.accept(record.value(), record.offset());
                    count++;
                }
                return count;
            }

            @Override
            public void close() {
                consumer.close();
            }
        };
    }

    @Override
    public LiveSubscription subscribeFromEnd(Consumer<byte[]> onEvent) {
        KafkaConsumer<byte[], byte[]> consumer = consumer(500);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition); // resolves the end now, so that events sent after this call are seen
        Thread poller = Thread.ofPlatform().name("kafka-subscriber").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        onEvent.accept(record.value());
                    }
                }
            } catch (WakeupException e) {
                // closed
            } finally {
                consumer.close();
            }
        });
        return () -> Unchecked.run("stopping a subscriber", () -> {
            consumer.wakeup();
            poller.join();
        });
    }

    private KafkaConsumer<byte[], byte[]> consumer(int maxPollRecords) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        Unchecked.run("deleting topic " + topic, () -> broker.admin().deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS));
    }
}
