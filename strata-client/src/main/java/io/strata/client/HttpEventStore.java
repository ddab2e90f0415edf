package io.strata.client;

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
import io.strata.core.RecordedEvent;
import io.strata.core.StoreInfo;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.core.WrongExpectedRevisionException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
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
 */
public final class HttpEventStore implements EventStore {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String JSON = "application/json";

    private final String base;
    private final HttpClient http;
    private final Set<SseSubscription> subscriptions = ConcurrentHashMap.newKeySet();

    private HttpEventStore(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** A client of the server at {@code url} ({@code http://host:port}); nothing is sent yet. */
    public static HttpEventStore connect(String url) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = new URI(base);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new InvalidRequestException("--url must be the server's address, such as http://127.0.0.1:7700; got '" + url + "'");
            }
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("--url must be the server's address, such as http://127.0.0.1:7700; got '" + url + "'");
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new HttpEventStore(base, http);
    }

    // ---- append

    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
        ObjectNode body = Json.object();
        if (expected instanceof ExpectedRevision.Exact exact) {
            body.put("expectedRevision", exact.revision());
        } else {
            body.put("expectedRevision", expected.toString());
        }
        ArrayNode array = body.putArray("events");
        for (EventData event : events) {
            array.add(eventJson(event));
        }
        HttpRequest request = request(streamPath(stream), Map.of())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.compact(body)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(unreachable(failure));
                    }
                    return appendResult(json(response));
                });
    }

    private static ObjectNode eventJson(EventData event) {
        ObjectNode json = Json.object();
        event.id().ifPresent(id -> json.put("id", id.toString()));
        json.put("type", event.type());
        if (EventData.JSON.equals(event.contentType())) {
            json.set("data", Json.parse("the data", event.data()));
        } else {
            json.put("dataBase64", Base64.getEncoder().encodeToString(event.data()));
            json.put("contentType", event.contentType());
        }
        if (event.hasMetadata()) {
            json.set("metadata", Json.parse("the metadata", event.metadata()));
        }
        event.validTime().ifPresent(time -> json.put("validTime", DateTimeFormatter.ISO_INSTANT.format(time)));
        return json;
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
        return subscribe("/v1/subscribe/streams/" + encode(stream), Map.of("from", from(fromRevision)), listener);
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, EventFilter filter, SubscriptionListener listener) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", from(fromPosition));
        putFilter(query, filter);
        return subscribe("/v1/subscribe/all", query, listener);
    }

    private Subscription subscribe(String path, Map<String, String> query, SubscriptionListener listener) {
        HttpRequest request = HttpRequest.newBuilder(uri(path, query)).header("Accept", "text/event-stream").GET().build();
        SseSubscription subscription = new SseSubscription(request, listener);
        subscriptions.add(subscription);
        subscription.thread = Thread.ofPlatform().daemon().name("strata-sse " + path).start(subscription::run);
        return subscription;
    }

    /** Reads one SSE response line by line on its own thread, handing events to the listener. */
    private final class SseSubscription implements Subscription {
        private final HttpRequest request;
        private final SubscriptionListener listener;
        private final Object lock = new Object();
        private volatile boolean active = true;
        private volatile InputStream body;
        private volatile Thread thread;

        SseSubscription(HttpRequest request, SubscriptionListener listener) {
            this.request = request;
            this.listener = listener;
        }

        void run() {
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                body = response.body();
                if (!active) {
                    body.close();
                    return;
                }
                if (response.statusCode() / 100 != 2) {
                    byte[] bytes;
                    try (InputStream in = response.body()) {
                        bytes = in.readAllBytes();
                    }
                    throw failure(response.statusCode(), bytes);
                }
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    readEvents(reader);
                }
                if (active) {
                    throw new StoreUnavailableException("the server at " + base + " ended the subscription");
                }
            } catch (Throwable error) {
                Throwable reported = error instanceof IOException || error instanceof InterruptedException
                        ? unreachable(error) : error;
                synchronized (lock) {
                    if (active) {
                        active = false;
                        listener.onError(reported);
                    }
                }
            } finally {
                active = false;
                subscriptions.remove(this);
            }
        }

        /** SSE framing: fields until a blank line dispatch one message; lines starting with ':' are comments. */
        private void readEvents(BufferedReader reader) throws IOException {
            String name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while (active && (line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    dispatch(name == null ? "message" : name, data.toString());
                    name = null;
                    data.setLength(0);
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "event" -> name = value;
                    case "data" -> {
                        if (!data.isEmpty()) {
                            data.append('\n');
                        }
                        data.append(value);
                    }
                    default -> {
                        // "id" and "retry": resuming is not done here; the event carries its own place
                    }
                }
            }
        }

        private void dispatch(String name, String data) {
            synchronized (lock) {
                if (!active) {
                    return;
                }
                switch (name) {
                    case "event" -> listener.onEvent(event(Json.parse("an event from the server", data.getBytes(StandardCharsets.UTF_8))));
                    case "caught-up" -> listener.onCaughtUp();
                    default -> {
                        // unknown message kinds are ignored, as SSE clients do
                    }
                }
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                active = false;
            }
            InputStream in = body;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }

        @Override
        public boolean isActive() {
            return active;
        }
    }

    @Override
    public void close() {
        for (SseSubscription subscription : List.copyOf(subscriptions)) {
            subscription.close();
        }
        http.shutdownNow();
    }

    // ---- requests and answers

    private JsonNode get(String path, Map<String, String> query) {
        HttpRequest request = request(path, query).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
        return json(response);
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        return HttpRequest.newBuilder(uri(path, query)).timeout(REQUEST_TIMEOUT).header("Accept", JSON);
    }

    private URI uri(String path, Map<String, String> query) {
        StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> params.add(name + "=" + encode(value)));
        return URI.create(base + path + params);
    }

    /** The body of a 2xx answer, or the exception its error body names. */
    private JsonNode json(HttpResponse<byte[]> response) {
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body());
        }
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (JacksonException e) {
            throw new StoreUnavailableException("the server at " + base + " answered something that is not JSON: " + e.getOriginalMessage());
        }
    }

    /** The exception a local store would have thrown for the server's error body. */
    private StrataException failure(int status, byte[] body) {
        JsonNode error;
        try {
            JsonNode parsed = Json.MAPPER.readTree(body);
            error = parsed == null ? null : parsed.get("error");
        } catch (JacksonException e) {
            error = null;
        }
        if (error == null || !error.isObject() || error.get("code") == null) {
            return new StoreUnavailableException("the server at " + base + " answered HTTP " + status + " without an error body");
        }
        String code = error.get("code").asString();
        String message = error.path("message").asString(code);
        return switch (code) {
            case "wrong_expected_revision" -> wrongExpectedRevision(error, message);
            case "stream_not_found" -> error.hasNonNull("stream")
                    ? new StreamNotFoundException(error.get("stream").asString())
                    : new RemoteException(ErrorCode.STREAM_NOT_FOUND, code, message);
            case "idempotency_conflict" -> new IdempotencyConflictException(error.path("stream").asString(""), message);
            case "invalid_request" -> new InvalidRequestException(message);
            case "unavailable" -> new StoreUnavailableException(message);
            case "disk_full" -> new DiskFullException(message, null);
            default -> new RemoteException(errorCode(code, status), code, message);
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

    /** The engine code with this wire name; else the nearest by HTTP status, for exit codes and callers. */
    private static ErrorCode errorCode(String wireName, int status) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wireName().equals(wireName)) {
                return code;
            }
        }
        return status >= 400 && status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.UNAVAILABLE;
    }

    private StrataException unreachable(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StrataException strata) {
            return strata;
        }
        String why;
        if (cause instanceof HttpConnectTimeoutException) {
            why = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (cause instanceof HttpTimeoutException) {
            why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        } else if (cause instanceof ConnectException) {
            why = "connection refused";
        } else if (cause instanceof InterruptedException) {
            why = "interrupted";
        } else {
            why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        }
        return new StoreUnavailableException("cannot reach the server at " + base + " (" + why + ")", cause);
    }

    // ---- the wire format

    private static List<RecordedEvent> events(JsonNode array) {
        List<RecordedEvent> events = new ArrayList<>(array == null ? 0 : array.size());
        if (array != null) {
            for (JsonNode node : array) {
                events.add(event(node));
            }
        }
        return events;
    }

    /** An event of "Events on the wire" back as the engine's record, its data bytes as stored. */
    static RecordedEvent event(JsonNode json) {
        byte[] data;
        String contentType;
        if (json.has("dataBase64")) {
            data = Base64.getDecoder().decode(json.get("dataBase64").asString());
            contentType = json.path("contentType").asString("application/octet-stream");
        } else {
            JsonNode node = json.get("data");
            data = node == null ? new byte[0] : Json.compact(node);
            contentType = EventData.JSON;
        }
        byte[] metadata;
        if (json.has("metadataBase64")) {
            metadata = Base64.getDecoder().decode(json.get("metadataBase64").asString());
        } else {
            JsonNode node = json.get("metadata");
            metadata = node == null || node.isNull() ? new byte[0] : Json.compact(node);
        }
        JsonNode validTime = json.get("validTime");
        return new RecordedEvent(UUID.fromString(text(json, "id")), text(json, "stream"), text(json, "type"),
                json.get("revision").asLong(), Position.parse(text(json, "position")), time(text(json, "recordedTime")),
                validTime == null || validTime.isNull() ? Optional.empty() : Optional.of(time(validTime.asString())),
                contentType, data, metadata);
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

    /** Percent-encoding for a path segment or a query value: spaces as %20, never '+'. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw new StoreUnavailableException("the server's answer lacks '" + field + "'");
        }
        return node.asString();
    }

    private static Instant time(String text) {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
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
