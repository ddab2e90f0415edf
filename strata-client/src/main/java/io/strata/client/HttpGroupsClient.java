package io.strata.client;

import io.strata.core.ErrorCode;
import io.strata.core.InvalidRequestException;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tools.jackson.core.JacksonException;
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
 * <p>Design note: on the JDK's {@link HttpClient}, unlike {@code HttpEventStore}'s own connection pool,
 * which was written for appends at tens of thousands a second; these calls are administration and
 * fetches of up to 1,000 messages each, where the JDK client's hand-offs do not matter. Thread-safe.
 */
public final class HttpGroupsClient implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String JSON = "application/json";

    private final String base;
    private final HttpClient http;

    private HttpGroupsClient(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** A client of the server at {@code url} ({@code http://host:port}); nothing is sent yet. */
    public static HttpGroupsClient connect(String url) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = new URI(base);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw badUrl(url);
            }
        } catch (URISyntaxException e) {
            throw badUrl(url);
        }
        return new HttpGroupsClient(base);
    }

    private static InvalidRequestException badUrl(String url) {
        return new InvalidRequestException("--url must be the server's address, such as http://127.0.0.1:7700; got '" + url + "'");
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
        Answer answer = send("PUT", groupPath(group), Json.line(settings), REQUEST_TIMEOUT);
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
        return items(send("POST", groupPath(group) + "/fetch", Json.line(body), wait.plus(REQUEST_TIMEOUT)).json(), "messages");
    }

    /** {@code POST …/ack}: {@code {"acked": n, "unknown": m}}. */
    public JsonNode ack(String group, Collection<String> ackIds) {
        ObjectNode body = Json.object();
        ackIds(body, ackIds);
        return send("POST", groupPath(group) + "/ack", Json.line(body), REQUEST_TIMEOUT).json();
    }

    /** {@code POST …/nack} with action {@code retry}, {@code park} or {@code skip}: {@code {"nacked": n, "unknown": m}}. */
    public JsonNode nack(String group, Collection<String> ackIds, String action, Duration delay) {
        ObjectNode body = Json.object();
        ackIds(body, ackIds);
        body.put("action", action);
        body.put("delay", delay.toString());
        return send("POST", groupPath(group) + "/nack", Json.line(body), REQUEST_TIMEOUT).json();
    }

    /** {@code GET …/parked?limit=}: the first {@code limit} parked messages {@code {"deliveryCount", "reason", "parkedAt", "event"}}. */
    public List<JsonNode> parked(String group, int limit) {
        return items(send("GET", groupPath(group) + "/parked?limit=" + limit, null, REQUEST_TIMEOUT).json(), "messages");
    }

    /** {@code POST …/parked/replay}: how many parked messages were queued to be delivered again. */
    public int replayParked(String group) {
        return send("POST", groupPath(group) + "/parked/replay", "{}", REQUEST_TIMEOUT).json().path("replayed").asInt();
    }

    /** An event of a fetched or parked message ("Events on the wire") as the engine's record. */
    public static RecordedEvent event(JsonNode event) {
        return HttpEventStore.event(event);
    }

    @Override
    public void close() {
        http.close();
    }

    // ---- requests and answers

    private record Answer(int status, JsonNode json) {
    }

    private static String groupPath(String group) {
        return "/v1/groups/" + HttpEventStore.encode(group);
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

    private Answer send(String method, String path, String body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", JSON);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("cannot reach the server at " + base + " (interrupted)", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body());
        }
        if (response.body().length == 0) {
            return new Answer(response.statusCode(), Json.object());
        }
        try {
            return new Answer(response.statusCode(), Json.MAPPER.readTree(response.body()));
        } catch (JacksonException e) {
            throw new StoreUnavailableException("the server at " + base + " answered something that is not JSON: " + e.getOriginalMessage());
        }
    }

    /** The server's error body as an exception with its code and message. */
    private StrataException failure(int status, byte[] body) {
        JsonNode error;
        try {
            JsonNode parsed = Json.MAPPER.readTree(body);
            error = parsed == null ? null : parsed.get("error");
        } catch (JacksonException e) {
            error = null;
        }
        if (error == null || !error.isObject() || !error.path("code").isString()) {
            return new StoreUnavailableException("the server at " + base + " answered HTTP " + status + " without an error body");
        }
        String code = error.get("code").asString();
        String message = error.path("message").asString(code);
        return switch (code) {
            case "invalid_request" -> new InvalidRequestException(message);
            case "unavailable" -> new StoreUnavailableException(message);
            default -> new HttpEventStore.RemoteException(errorCode(code, status), code, message);
        };
    }

    /** The engine code with this wire name; else the nearest by HTTP status. */
    private static ErrorCode errorCode(String wireName, int status) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wireName().equals(wireName)) {
                return code;
            }
        }
        return status >= 400 && status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.UNAVAILABLE;
    }

    private StoreUnavailableException unreachable(IOException failure) {
        String why;
        if (failure instanceof HttpConnectTimeoutException) {
            why = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (failure instanceof HttpTimeoutException) {
            why = "no answer in time";
        } else if (failure instanceof ConnectException) {
            why = "connection refused";
        } else {
            why = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        }
        return new StoreUnavailableException("cannot reach the server at " + base + " (" + why + ")", failure);
    }
}
