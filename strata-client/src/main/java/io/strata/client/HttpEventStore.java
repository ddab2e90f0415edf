package io.strata.client;

import static io.strata.client.HttpEventJson.encode;
import static io.strata.client.HttpEventJson.events;
import static io.strata.client.HttpEventJson.text;
import static io.strata.client.HttpEventJson.time;

import io.strata.core.AllSlice;
import io.strata.core.AppendResult;
import io.strata.core.DiskFullException;
import io.strata.core.Direction;
import io.strata.core.Durability;
import io.strata.core.ErrorCode;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.IdempotencyConflictException;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StoreInfo;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.core.WrongExpectedRevisionException;
import io.strata.protocol.DecodedEventCache;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An {@link EventStore} that is a running Strata server, spoken to over its HTTP API
 * (spec/http-api.md). The CLI's {@code --url} mode and the {@code strata-http} benchmark target use it;
 * Java services should prefer the gRPC client, {@link StrataClient}. Needs {@code jackson-databind} on the
 * class path (an optional dependency of this module).
 *
 * <p>The server's error bodies become the engine's exceptions again, with the server's message, so
 * that a command prints the same {@code code: message} as against a local folder. A server that
 * cannot be reached is {@code unavailable: cannot reach the server at URL (…)}.
 *
 * <p>Subscriptions are Server-Sent Events that reconnect as a browser's {@code EventSource} does: when
 * the connection drops after it was established, the subscription connects again (100 ms, doubling
 * to 5 s between tries) with {@code Last-Event-ID}, so the listener sees every event once, in order,
 * and hears nothing of the drop. It gives up only when closed, or when the server refuses it (4xx),
 * which the listener gets through {@code onError}; a subscription that never connected reports why at once.
 *
 * <pre>
 *   append, read, info ──► HttpTransport.send: a pooled connection, request and answer on the calling thread
 *   subscribe ──► SseSubscription thread: HttpTransport.eventStream, a connection of its own ──► SseParser ──► listener
 *                          ▲ dropped: wait (100 ms … 5 s), connect again with Last-Event-ID ┘
 * </pre>
 */
public final class HttpEventStore implements EventStore {
    /** Where {@link #appendAsync} waits for its answer: a virtual thread each, so the caller never blocks. */
    private static final Executor ASYNC = task -> Thread.ofVirtual().name("strata-http-append").start(task);

    private final HttpTransport transport;
    private final Set<SseSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    /** What this client's subscriptions decoded lately: the server sends each subscriber the same JSON (ADR 0012). */
    private final DecodedEventCache decodedEvents = new DecodedEventCache();

    private HttpEventStore(String url) {
        this.transport = HttpTransport.connect(url, HttpEventStore::failure);
    }

    /** A client of the server at {@code url} ({@code http://host:port}); nothing is sent yet. */
    public static HttpEventStore connect(String url) {
        return new HttpEventStore(url);
    }

    // ---- append

    @Override
    public AppendResult append(String stream, ExpectedRevision expected, List<EventData> events) {
        byte[] body = appendBody(expected, events);
        return appendResult(post(streamPath(stream), body));
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
        byte[] body = appendBody(expected, events); // invalid data fails here, before anything is sent
        return CompletableFuture.supplyAsync(() -> appendResult(post(streamPath(stream), body)), ASYNC);
    }

    private static byte[] appendBody(ExpectedRevision expected, List<EventData> events) {
        ObjectNode body = Json.object();
        if (expected instanceof ExpectedRevision.Exact exact) {
            body.put("expectedRevision", exact.revision());
        } else {
            body.put("expectedRevision", expected.toString());
        }
        ArrayNode array = body.putArray("events");
        for (EventData event : events) {
            array.add(HttpEventJson.toJson(event));
        }
        return Json.compact(body);
    }

    private static AppendResult appendResult(JsonNode json) {
        return new AppendResult(text(json, "stream"), json.get("firstRevision").asLong(), json.get("lastRevision").asLong(),
                Position.parse(text(json, "firstPosition")), Position.parse(text(json, "lastPosition")),
                time(text(json, "recordedTime")));
    }

    // ---- reads

    @Override
    public StreamSlice readStream(String stream, ReadStreamOptions options) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", from(options.from()));
        query.put("direction", direction(options.direction()));
        query.put("limit", Integer.toString(options.limit()));
        options.asOf().ifPresent(time -> query.put("asOf", DateTimeFormatter.ISO_INSTANT.format(time)));
        JsonNode json = get(streamPath(stream), query);
        JsonNode next = json.get("next");
        return new StreamSlice(text(json, "stream"), events(json.get("events")), json.get("lastRevision").asLong(),
                next == null || next.isNull() ? OptionalLong.empty() : OptionalLong.of(next.asLong()));
    }

    @Override
    public AllSlice readAll(ReadAllOptions options) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", from(options.from()));
        query.put("direction", direction(options.direction()));
        query.put("limit", Integer.toString(options.limit()));
        options.asOf().ifPresent(time -> query.put("asOf", DateTimeFormatter.ISO_INSTANT.format(time)));
        putFilter(query, options.filter());
        JsonNode json = get("/v1/all", query);
        JsonNode next = json.get("next");
        return new AllSlice(events(json.get("events")),
                next == null || next.isNull() ? Optional.empty() : Optional.of(Position.parse(next.asString())));
    }

    @Override
    public StoreInfo info() {
        JsonNode json = get("/v1/info", Map.of());
        JsonNode head = json.get("headPosition");
        JsonNode dedup = json.path("dedupWindow");
        return new StoreInfo(text(json, "version"), text(json, "engine"), Durability.parse(text(json, "durability")),
                head == null || head.isNull() ? Optional.empty() : Optional.of(Position.parse(head.asString())),
                json.get("streams").asLong(), json.get("events").asLong(), time(text(json, "startedAt")),
                Duration.parse(dedup.path("duration").asString()), dedup.path("events").asLong());
    }

    // ---- subscriptions (Server-Sent Events)

    @Override
    public Subscription subscribeToStream(String stream, long fromRevision, SubscriptionListener listener) {
        String path = "/v1/subscribe/streams/" + encode(stream);
        Map<String, String> query = Map.of("from", from(fromRevision));
        return subscribe(path, query, fromRevision == ReadStreamOptions.END ? () -> streamHead(stream) : null, listener);
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, EventFilter filter, SubscriptionListener listener) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", from(fromPosition));
        putFilter(query, filter);
        return subscribe("/v1/subscribe/all", query, fromPosition == ReadAllOptions.END ? this::logHead : null, listener);
    }

    /**
     * Starts a subscription's thread. A subscription from the end first asks where the end is, here
     * on the caller's thread, and resumes after it as after a received event: so an append made once
     * this returns is delivered, and a drop before the first event still resumes where the
     * subscription began (asking the server for {@code end} again would skip what came in between).
     * When that question fails, the listener hears it through {@code onError}, as for any failure to
     * connect.
     */
    private Subscription subscribe(String path, Map<String, String> query, StartingPoint end, SubscriptionListener listener) {
        Map<String, String> resumable = new LinkedHashMap<>(query);
        String lastEventId = null;
        StrataException failedToStart = null;
        if (end != null) {
            try {
                Optional<String> head = end.lastEventId();
                if (head.isPresent()) {
                    lastEventId = head.get();
                } else {
                    resumable.put("from", "start"); // nothing there yet: everything to come is after the end
                }
            } catch (StrataException e) {
                failedToStart = e;
            }
        }
        return SseSubscription.start(transport, target(path, resumable), lastEventId, failedToStart, listener, decodedEvents, subscriptions);
    }

    /** The id of the last event there is now ({@code Last-Event-ID}), or empty when there is none. */
    private interface StartingPoint {
        Optional<String> lastEventId();
    }

    private Optional<String> logHead() {
        JsonNode head = get("/v1/info", Map.of()).get("headPosition");
        return head == null || head.isNull() ? Optional.empty() : Optional.of(head.asString());
    }

    private Optional<String> streamHead(String stream) {
        try {
            JsonNode json = get(streamPath(stream), Map.of("from", "end", "direction", "backward", "limit", "1"));
            return Optional.of(Long.toString(json.get("lastRevision").asLong()));
        } catch (StreamNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        for (SseSubscription subscription : List.copyOf(subscriptions)) {
            subscription.close();
        }
        transport.close();
    }

    // ---- requests and answers

    private JsonNode get(String path, Map<String, String> query) {
        return transport.send("GET", target(path, query), null, HttpTransport.REQUEST_TIMEOUT).json();
    }

    private JsonNode post(String path, byte[] body) {
        return transport.send("POST", path, body, HttpTransport.REQUEST_TIMEOUT).json();
    }

    /** The request target under the server's base URL: the API path, then the query. */
    private static String target(String path, Map<String, String> query) {
        StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> params.add(name + "=" + encode(value)));
        return path + params;
    }

    private static void putFilter(Map<String, String> query, EventFilter filter) {
        if (!filter.types().isEmpty()) {
            query.put("type", String.join(",", filter.types().stream().sorted().toList()));
        }
        filter.category().ifPresent(category -> query.put("category", category));
        filter.streamPrefix().ifPresent(prefix -> query.put("streamPrefix", prefix));
    }

    private static String from(long value) {
        if (value == ReadStreamOptions.END) {
            return "end";
        }
        return Long.toString(value);
    }

    private static String direction(Direction direction) {
        return direction == Direction.BACKWARD ? "backward" : "forward";
    }

    private static String streamPath(String stream) {
        return "/v1/streams/" + encode(stream);
    }

    /** The exception a local store would have thrown for the server's error body. */
    private static StrataException failure(HttpTransport.ServerError error) {
        JsonNode details = error.error();
        String message = error.message();
        return switch (error.code()) {
            case "wrong_expected_revision" -> wrongExpectedRevision(details, message);
            case "stream_not_found" -> details.hasNonNull("stream")
                    ? new StreamNotFoundException(details.get("stream").asString())
                    : error.remote();
            case "idempotency_conflict" -> new IdempotencyConflictException(details.path("stream").asString(""), message);
            case "invalid_request" -> new InvalidRequestException(message);
            case "unavailable" -> new StoreUnavailableException(message);
            case "disk_full" -> new DiskFullException(message, null);
            default -> error.remote();
        };
    }

    private static StrataException wrongExpectedRevision(JsonNode error, String message) {
        try {
            JsonNode actual = error.get("actual");
            return new WrongExpectedRevisionException(error.get("stream").asString(),
                    ExpectedRevision.parse(error.get("expected").asString()),
                    actual.isNumber() ? OptionalLong.of(actual.asLong()) : OptionalLong.empty());
        } catch (RuntimeException incomplete) {
            return new RemoteException(ErrorCode.WRONG_EXPECTED_REVISION, "wrong_expected_revision", message);
        }
    }

    /**
     * A server error with no engine exception of its own (or without the details to rebuild one):
     * keeps the server's wire code, which the command line prints.
     */
    public static final class RemoteException extends StrataException {
        private final String wireCode;

        RemoteException(ErrorCode code, String wireCode, String message) {
            super(code, message);
            this.wireCode = wireCode;
        }

        public String wireCode() {
            return wireCode;
        }
    }
}
