package io.strata.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Consumers that each loop {@code fetch(max 100)} then one {@code ack} of everything fetched, on a
 * platform thread of their own: W7 on {@code strata-embedded} (calls into {@code ConsumerGroup}) and on
 * {@code strata-http} (a {@code HttpGroupsClient} each). The latency is per event, from the fetch's
 * answer to the ack's: what an event waits between being handed over and being finished, when the
 * handler does nothing.
 */
final class FetchAckConsumers implements GroupTarget.Consumers {
    /** The HTTP target is stated for fetches of 100. */
    static final int FETCH_MAX = 100;
    /**
     * A long poll returns as soon as one message is deliverable; the wait only bounds how long a consumer
     * takes to notice it was stopped once the group is drained.
     */
    static final Duration FETCH_WAIT = Duration.ofMillis(100);

    /** One consumer's way to the group. */
    interface Endpoint extends AutoCloseable {
        List<Fetched> fetch(String consumer, int max, Duration wait);

        /** Acks {@code ackIds}; returns how many the server accepted. */
        int ack(List<String> ackIds);

        @Override
        default void close() {
        }
    }

    /** A fetched message, as much of it as W7 checks. */
    record Fetched(String ackId, int deliveryCount, String stream, long revision) {
    }

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    private FetchAckConsumers() {
    }

    /** Starts {@code consumers} threads named {@code group-consumer-i}, consumer {@code i} using {@code endpoints.apply(i)}. */
    static FetchAckConsumers start(String group, int consumers, IntFunction<Endpoint> endpoints, GroupPass pass) {
        FetchAckConsumers running = new FetchAckConsumers();
        for (int i = 0; i < consumers; i++) {
            String name = group + "-consumer-" + i;
            Endpoint endpoint = endpoints.apply(i);
            Histogram latency = pass.newConsumerHistogram();
            running.threads.add(Thread.ofPlatform().name(name).start(() -> running.consume(name, endpoint, latency, pass)));
        }
        return running;
    }

    private void consume(String name, Endpoint endpoint, Histogram latency, GroupPass pass) {
        try (endpoint) {
            while (!stopping) {
                List<Fetched> batch = endpoint.fetch(name, FETCH_MAX, FETCH_WAIT);
                if (batch.isEmpty()) {
                    continue;
                }
                long handedOver = System.nanoTime();
                List<String> ackIds = new ArrayList<>(batch.size());
                for (Fetched message : batch) {
                    pass.delivered(message.stream(), message.revision(), message.deliveryCount());
                    ackIds.add(message.ackId());
                }
                int acked = endpoint.ack(ackIds);
                latency.recordValueWithCount(System.nanoTime() - handedOver, batch.size());
                pass.ackAnswered(ackIds.size(), acked);
            }
        } catch (Throwable e) {
            pass.fail(e);
        }
    }

    @Override
    public void close() {
        stopping = true;
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a result line says of fetch-and-ack consumers reached through {@code consumerApi}. */
    static Map<String, Object> facts(String consumerApi) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("consumerApi", consumerApi);
        facts.put("fetchMax", FETCH_MAX);
        facts.put("latency", "fetch answer to ack answer, per event");
        return facts;
    }
}
