package io.strata.client;

import static io.strata.client.HttpTransport.REQUEST_TIMEOUT;

import io.strata.core.InvalidRequestException;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The consumer-group calls of the HTTP API (spec/http-api.md, "Consumer groups — the broker") against a
 * running server: the command line's {@code strata groups --url}, and any Java program that wants the
 * broker without gRPC. Answers are the spec's JSON shapes, as the server sent them; {@link #event}
 * turns a message's event back into a {@link RecordedEvent}.
 *
 * <p>Errors as {@link HttpEventStore}'s: the server's error body becomes a {@link StrataException}
 * with the server's code and message ({@code not_found}, {@code group_exists}, {@code invalid_request},
 * …), a server out of reach is {@code unavailable: cannot reach the server at URL (…)}.
 *
 * <p>Over {@link HttpTransport}, as {@code HttpEventStore}: each call on the calling thread, over a pooled
 * keep-alive connection; W7 over HTTP (8 consumers each looping fetch + ack) is measured in its design
 * note. Thread-safe.
 */
public final class HttpGroupsClient implements AutoCloseable {
    private final HttpTransport transport;

    private HttpGroupsClient(String url) {
        this.transport = HttpTransport.connect(url, HttpGroupsClient::failure);
    }

    /** A client of the server at {@code url} ({@code http://host:port}); nothing is sent yet. */
    public static HttpGroupsClient connect(String url) {
        return new HttpGroupsClient(url);
    }

    /** The answer to {@link #create}: whether this call created the group, and the group with its settings. */
    public record Creation(boolean created, JsonNode group) {
    }

    /**
     * {@code PUT /v1/groups/{group}} with {@code settings} as the body: creates the group, or finds it when
     * it exists with the same settings.
     *
     * @throws StrataException {@code group_exists} when it exists with other settings
     */
    public Creation create(String group, JsonNode settings) {
        HttpTransport.Answer answer = send("PUT", groupPath(group), settings, REQUEST_TIMEOUT);
        return new Creation(answer.status() == 201, answer.json());
    }

    /** {@code GET /v1/groups}: every group, by name, without settings. */
    public List<JsonNode> list() {
        return items(send("GET", "/v1/groups", null, REQUEST_TIMEOUT).json(), "groups");
    }

    /** {@code GET /v1/groups/{group}}: its status and settings. */
    public JsonNode get(String group) {
        return send("GET", groupPath(group), null, REQUEST_TIMEOUT).json();
    }

    /** {@code DELETE /v1/groups/{group}}. */
    public void delete(String group) {
        send("DELETE", groupPath(group), null, REQUEST_TIMEOUT);
    }

    /** {@code POST …/fetch}: up to {@code max} messages {@code {"ackId", "deliveryCount", "event"}}, waiting up to {@code wait}. */
    public List<JsonNode> fetch(String group, String consumer, int max, Duration wait) {
        ObjectNode body = Json.object();
        body.put("consumer", consumer);
        body.put("max", max);
        body.put("wait", wait.toString());
        return items(send("POST", groupPath(group) + "/fetch", body, wait.plus(REQUEST_TIMEOUT)).json(), "messages");
    }

    /** {@code POST …/ack}: {@code {"acked": n, "unknown": m}}. */
    public JsonNode ack(String group, Collection<String> ackIds) {
        ObjectNode body = Json.object();
        ackIds(body, ackIds);
        return send("POST", groupPath(group) + "/ack", body, REQUEST_TIMEOUT).json();
    }

    /** {@code POST …/nack} with action {@code retry}, {@code park} or {@code skip}: {@code {"nacked": n, "unknown": m}}. */
    public JsonNode nack(String group, Collection<String> ackIds, String action, Duration delay) {
        ObjectNode body = Json.object();
        ackIds(body, ackIds);
        body.put("action", action);
        body.put("delay", delay.toString());
        return send("POST", groupPath(group) + "/nack", body, REQUEST_TIMEOUT).json();
    }

    /** {@code GET …/parked?limit=}: the first {@code limit} parked messages {@code {"deliveryCount", "reason", "parkedAt", "event"}}. */
    public List<JsonNode> parked(String group, int limit) {
        return items(send("GET", groupPath(group) + "/parked?limit=" + limit, null, REQUEST_TIMEOUT).json(), "messages");
    }

    /** {@code POST …/parked/replay}: how many parked messages were queued to be delivered again. */
    public int replayParked(String group) {
        return send("POST", groupPath(group) + "/parked/replay", Json.object(), REQUEST_TIMEOUT).json().path("replayed").asInt();
    }

    /** An event of a fetched or parked message ("Events on the wire") as the engine's record. */
    public static RecordedEvent event(JsonNode event) {
        return HttpEventJson.event(event);
    }

    @Override
    public void close() {
        transport.close();
    }

    // ---- requests and answers

    private static String groupPath(String group) {
        return "/v1/groups/" + HttpEventJson.encode(group);
    }

    private static void ackIds(ObjectNode body, Collection<String> ackIds) {
        ArrayNode array = body.putArray("ackIds");
        ackIds.forEach(array::add);
    }

    private static List<JsonNode> items(JsonNode answer, String field) {
        List<JsonNode> items = new ArrayList<>();
        answer.path(field).forEach(items::add);
        return items;
    }

    private HttpTransport.Answer send(String method, String path, JsonNode body, Duration timeout) {
        return transport.send(method, path, body == null ? null : Json.compact(body), timeout);
    }

    /** The server's error body as an exception with its code and message. */
    private static StrataException failure(HttpTransport.ServerError error) {
        return switch (error.code()) {
            case "invalid_request" -> new InvalidRequestException(error.message());
            case "unavailable" -> new StoreUnavailableException(error.message());
            default -> error.remote();
        };
    }
}
