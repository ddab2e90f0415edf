package io.strata.bench;

import io.strata.client.ConsumerGroupClient;
import io.strata.client.ConsumerGroupSettings;
import io.strata.client.ConsumerGroupSettings.Ordering;
import io.strata.client.ConsumerGroupSettings.Source;
import io.strata.client.ConsumerGroupSettings.Start;
import io.strata.client.ConsumerGroupStatus;
import io.strata.client.GroupConsumer;
import io.strata.core.EventFilter;
import io.strata.server.StrataServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W7 on {@code strata-grpc}: a server in the driver's JVM ({@link GroupTarget#startServer}) and one
 * {@link GroupConsumer} per consumer (concurrency 1, its own connection, one {@code Consume} stream),
 * whose handler only checks the order; the consumer acks each message when the handler returns.
 *
 * <p>No latency: the consumer batches its acks (256 or 2 ms) on a thread of its own and does not say
 * when the server applied them, so a delivery-to-ack time is not observable from outside it.
 */
final class GrpcGroupTarget implements GroupTarget {
    /**
     * Messages each consumer holds. 256 measured 236–251 K acked events/s warm on this shape (the gRPC
     * work's note in GroupConsumer); the default for concurrency 1 is 64, which leaves the consumer
     * waiting on ack round trips.
     */
    static final int PREFETCH = 256;

    private final StrataServer server;
    private final ConsumerGroupClient admin;
    private final List<ConsumerGroupClient> connections = new ArrayList<>();

    private GrpcGroupTarget(StrataServer server) {
        this.server = server;
        this.admin = ConsumerGroupClient.connect(server.grpcAddress());
    }

    static GrpcGroupTarget start(RunContext context) {
        return GroupTarget.onOwnServer(context, GrpcGroupTarget::new);
    }

    @Override
    public void create(String group) {
        admin.create(group, ConsumerGroupSettings.of(Source.all(EventFilter.streamPrefix(W7ConsumerGroup.STREAM_PREFIX)))
                .withStart(Start.START).withOrdering(Ordering.PER_STREAM));
    }

    @Override
    public Consumers start(String group, int consumers, GroupPass pass) {
        while (connections.size() < consumers) {
            ConsumerGroupClient connection = ConsumerGroupClient.connect(server.grpcAddress());
            connection.list(); // the channel connects lazily: connected once, before any clock runs
            connections.add(connection);
        }
        List<GroupConsumer> started = new ArrayList<>(consumers);
        try {
            for (int i = 0; i < consumers; i++) {
                GroupConsumer consumer = connections.get(i).consumer(group)
                        .consumerName(group + "-consumer-" + i)
                        .concurrency(1)
                        .prefetch(PREFETCH)
                        .messageHandler(m -> pass.delivered(m.event().stream(), m.event().revision(), m.deliveryCount()))
                        .start();
                consumer.done().whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        pass.fail(failure);
                    }
                });
                started.add(consumer);
            }
        } catch (RuntimeException e) {
            started.forEach(GroupConsumer::close);
            throw e;
        }
        return () -> started.forEach(GroupConsumer::close);
    }

    @Override
    public GroupState state(String group) {
        ConsumerGroupStatus status = admin.get(group);
        return new GroupState(status.lag(), status.parked());
    }

    @Override
    public void delete(String group) {
        admin.delete(group);
    }

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("consumerApi", "GroupConsumer, one Consume stream each");
        facts.put("concurrency", 1);
        facts.put("prefetch", PREFETCH);
        facts.put("latency", "not measured");
        return facts;
    }

    @Override
    public void close() {
        try {
            connections.forEach(ConsumerGroupClient::close);
            admin.close();
        } finally {
            server.close();
        }
    }
}
