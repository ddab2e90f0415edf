package io.strata.bench;

import io.strata.client.HttpGroupsClient;
import io.strata.client.Json;
import io.strata.core.RecordedEvent;
import io.strata.server.StrataServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * W7 on {@code strata-http}: a server in the driver's JVM ({@link GroupTarget#startServer}) and
 * {@link FetchAckConsumers} that each fetch and ack through a {@link HttpGroupsClient} of their own
 * (JSON over HTTP/1.1 on loopback), turning every fetched event back into a {@link RecordedEvent} as a
 * real consumer would.
 */
final class HttpGroupTarget implements GroupTarget {
    private final StrataServer server;
    private final HttpGroupsClient admin;

    private HttpGroupTarget(StrataServer server) {
        this.server = server;
        this.admin = HttpGroupsClient.connect(server.httpUrl());
    }

    static HttpGroupTarget start(RunContext context) {
        return GroupTarget.onOwnServer(context, HttpGroupTarget::new);
    }

    @Override
    public void create(String group) {
        ObjectNode settings = Json.object();
        settings.putObject("source").putObject("all").put("streamPrefix", W7ConsumerGroup.STREAM_PREFIX);
        settings.put("from", "start");
        settings.put("ordering", "per-stream");
        admin.create(group, settings);
    }

    @Override
    public Consumers start(String group, int consumers, GroupPass pass) {
        List<HttpGroupsClient> clients = new ArrayList<>(consumers);
        for (int i = 0; i < consumers; i++) {
            HttpGroupsClient client = HttpGroupsClient.connect(server.httpUrl());
            client.list(); // connected before the clock runs on the first fetch
            clients.add(client);
        }
        return FetchAckConsumers.start(group, consumers, i -> new OverHttp(clients.get(i), group), pass);
    }

    @Override
    public GroupState state(String group) {
        JsonNode status = admin.get(group);
        return new GroupState(status.path("lag").asLong(-1), status.path("parked").asLong(-1));
    }

    @Override
    public void delete(String group) {
        admin.delete(group);
    }

    @Override
    public Map<String, Object> facts() {
        return FetchAckConsumers.facts("HttpGroupsClient fetch + ack, JSON over HTTP/1.1");
    }

    @Override
    public void close() {
        try {
            admin.close();
        } finally {
            server.close();
        }
    }

    /** One consumer's client; closed when its consumer stops. */
    private record OverHttp(HttpGroupsClient client, String group) implements FetchAckConsumers.Endpoint {
        @Override
        public List<FetchAckConsumers.Fetched> fetch(String consumer, int max, Duration wait) {
            List<JsonNode> messages = client.fetch(group, consumer, max, wait);
            List<FetchAckConsumers.Fetched> fetched = new ArrayList<>(messages.size());
            for (JsonNode message : messages) {
                RecordedEvent event = HttpGroupsClient.event(message.path("event"));
                fetched.add(new FetchAckConsumers.Fetched(message.path("ackId").asString(),
                        message.path("deliveryCount").asInt(), event.stream(), event.revision()));
            }
            return fetched;
        }

        @Override
        public int ack(List<String> ackIds) {
            return client.ack(group, ackIds).path("acked").asInt();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
