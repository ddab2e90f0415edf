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
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
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
 *
 * <p>Subscriptions are Server-Sent Events that reconnect as a browser's {@code EventSource} does: when
 * the connection drops after it was established, the subscription connects again (100 ms, doubling
 * to 5 s between tries) with {@code Last-Event-ID}, so the listener sees every event once, in order,
 * and hears nothing of the drop. It gives up only when closed, or when the server refuses it (4xx),
 * which the listener gets through {@code onError}; a subscription that never connected reports why at once.
 *
 * <pre>
 *   append, read, info ──► ConnectionPool.lease ──► Connection: request, answer (on the calling thread) ──► release
 *   subscribe ──► SseSubscription thread: Connection of its own ──► SseParser ──► listener
 *                          ▲ dropped: wait (100 ms … 5 s), connect again with Last-Event-ID ┘
 * </pre>
 */
public final class HttpEventStore implements EventStore {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";

    /** Where {@link #appendAsync} waits for its answer: a virtual thread each, so the caller never blocks. */
    private static final Executor ASYNC = task -> Thread.ofVirtual().name("strata-http-append").start(task);

    private final String base;
    private final String basePath;
    private final ConnectionPool connections;
    private final Set<SseSubscription> subscriptions = ConcurrentHashMap.newKeySet();

    private HttpEventStore(String base, ConnectionPool connections) {
        this.base = base;
        this.basePath = URI.create(base).getRawPath();
        this.connections = connections;
    }

    /** A client of the server at {@code url} ({@code http://host:port}); nothing is sent yet. */
    public static HttpEventStore connect(String url) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI uri;
        try {
            uri = new URI(base);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new InvalidRequestException("--url must be the server's address, such as http://127.0.0.1:7700; got '" + url + "'");
            }
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("--url must be the server's address, such as http://127.0.0.1:7700; got '" + url + "'");
        }
        return new HttpEventStore(base, new ConnectionPool(uri));
    }

    // ---- append

    @Override
    public AppendResult append(String stream, ExpectedRevision expected, List<EventData> events) {
        byte[] body = appendBody(expected, events);
        return appendResult(json(send("POST", streamPath(stream), Map.of(), JSON, body)));
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
        byte[] body = appendBody(expected, events); // invalid data fails here, before anything is sent
        return CompletableFuture.supplyAsync(
                () -> appendResult(json(send("POST", streamPath(stream), Map.of(), JSON, body))), ASYNC);
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
            array.add(eventJson(event));
        }
        return Json.compact(body);
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
        SseSubscription subscription = new SseSubscription(path, resumable, lastEventId, failedToStart, listener);
        subscriptions.add(subscription);
        subscription.thread = Thread.ofPlatform().daemon().name("strata-sse " + path).start(subscription::run);
        return subscription;
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

    /**
     * One subscription: its own thread and connection, reconnecting after a drop.
     *
     * <p>Which failures end it: a listener that throws, an answer of 4xx (the server refuses the
     * subscription; asking again would get the same), an event that cannot be read, and any failure
     * before the first connection was made (a wrong URL or a server that is not there fails at once,
     * as a read would). Everything after that (the connection dropped, the server ended the stream,
     * restarted, answered 5xx, or could not be reached) is retried until {@link #close()}.
     */
    private final class SseSubscription implements Subscription {
        private static final Duration FIRST_RETRY = Duration.ofMillis(100);
        private static final Duration LONGEST_RETRY = Duration.ofSeconds(5);

        private final String path;
        private final Map<String, String> query;
        private final StrataException failedToStart;
        private final SubscriptionListener listener;
        private final Object lock = new Object();
        private volatile boolean active = true;
        private volatile Connection connection;
        private volatile Thread thread;
        private String lastEventId; // set before the thread starts, then confined to it
        private boolean caughtUp;   // likewise: the listener hears of it once, not after every reconnection

        SseSubscription(String path, Map<String, String> query, String lastEventId, StrataException failedToStart,
                        SubscriptionListener listener) {
            this.path = path;
            this.query = query;
            this.lastEventId = lastEventId;
            this.failedToStart = failedToStart;
            this.listener = listener;
        }

        void run() {
            Duration retry = FIRST_RETRY;
            boolean connectedOnce = false;
            try {
                if (failedToStart != null) {
                    throw new Fatal(failedToStart);
                }
                while (active) {
                    try {
                        Connection opened = connections.open();
                        connection = opened;
                        if (!active) {
                            opened.close();
                            return;
                        }
                        try (opened) {
                            Map<String, String> headers = lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId);
                            opened.send("GET", target(path, query), EVENT_STREAM, headers, null);
                            ResponseHead head = opened.readHead();
                            if (head.status() / 100 != 2) {
                                StrataException refused = failure(head.status(), opened.body(head).readAllBytes());
                                if (head.status() / 100 == 4 || !connectedOnce) {
                                    throw new Fatal(refused);
                                }
                                throw refused;
                            }
                            connectedOnce = true;
                            retry = FIRST_RETRY;
                            new SseParser(opened.body(head), this::dispatch).run();
                        }
                        // the server ended the stream (it is stopping, or this client read too slowly): resume
                    } catch (IOException | StrataException e) {
                        if (!connectedOnce) {
                            throw new Fatal(e instanceof IOException ? unreachable(e) : (StrataException) e);
                        }
                    }
                    if (active) {
                        sleep(retry);
                        retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
                    }
                }
            } catch (Fatal | ListenerFailed e) {
                report(e.getCause());
            } catch (Throwable e) {
                report(e);
            } finally {
                active = false;
                subscriptions.remove(this);
            }
        }

        private void report(Throwable error) {
            synchronized (lock) {
                if (active) {
                    active = false;
                    listener.onError(error);
                }
            }
        }

        private void sleep(Duration retry) {
            try {
                Thread.sleep(retry);
            } catch (InterruptedException e) {
                // close() interrupts the wait; the loop sees it is no longer active
            }
        }

        /** One complete SSE message: events to the listener (remembering their id), caught-up once. */
        private void dispatch(String name, String id, byte[] data) {
            synchronized (lock) {
                if (!active) {
                    return;
                }
                switch (name) {
                    case "event" -> {
                        RecordedEvent event;
                        try {
                            event = event(Json.parse("an event from the server", data));
                        } catch (RuntimeException unreadable) {
                            throw new Fatal(unreadable); // reading it again after a reconnection would fail the same way
                        }
                        try {
                            listener.onEvent(event);
                        } catch (Throwable e) {
                            throw new ListenerFailed(e);
                        }
                    }
                    case "caught-up" -> {
                        if (!caughtUp) {
                            caughtUp = true;
                            try {
                                listener.onCaughtUp();
                            } catch (Throwable e) {
                                throw new ListenerFailed(e);
                            }
                        }
                    }
                    default -> {
                        // unknown message kinds are ignored, as SSE clients do
                    }
                }
                if (id != null) {
                    lastEventId = id;
                }
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                active = false;
            }
            Connection open = connection;
            if (open != null) {
                open.close();
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

    /** Ends a subscription with its cause given to the listener: not worth another try. */
    private static final class Fatal extends RuntimeException {
        Fatal(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** The listener threw: the subscription ends and the listener gets what it threw. */
    private static final class ListenerFailed extends RuntimeException {
        ListenerFailed(Throwable cause) {
            super(String.valueOf(cause), cause, false, false);
        }
    }

    /**
     * Server-Sent Events framing, as browsers read it: lines end in LF, CRLF or CR; fields until a
     * blank line make one message; {@code data} lines join with LF; lines starting with ':' are
     * comments; the {@code id} field persists until the next one; a message without data is not
     * dispatched. Works on bytes, without a copy per line: the data is UTF-8 JSON and goes to the JSON
     * parser as it is. Not thread-safe.
     */
    static final class SseParser {
        interface Messages {
            /** One message: its event name ({@code message} when none), its last event id (or null), its data. */
            void message(String name, String id, byte[] data) throws IOException;
        }

        private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);

        private final InputStream in;
        private final Messages messages;
        private final byte[] buffer = new byte[16 * 1024];
        private byte[] line = new byte[1024];
        private int lineLength;
        private byte[] data = new byte[1024];
        private int dataLength = -1; // -1: no data field yet in this message
        private String name;
        private String id;
        private boolean afterCarriageReturn;

        SseParser(InputStream in, Messages messages) {
            this.in = in;
            this.messages = messages;
        }

        /** Reads messages until the stream ends. */
        void run() throws IOException {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                int lineStart = 0;
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b != '\n' && b != '\r') {
                        continue;
                    }
                    boolean secondHalfOfCrLf = b == '\n' && afterCarriageReturn && i == lineStart && lineLength == 0;
                    afterCarriageReturn = b == '\r';
                    if (!secondHalfOfCrLf) {
                        append(buffer, lineStart, i - lineStart);
                        line();
                        lineLength = 0;
                    }
                    lineStart = i + 1;
                }
                if (lineStart < n) {
                    afterCarriageReturn = false;
                    append(buffer, lineStart, n - lineStart);
                }
            }
        }

        private void append(byte[] bytes, int offset, int length) {
            if (lineLength + length > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
            }
            System.arraycopy(bytes, offset, line, lineLength, length);
            lineLength += length;
        }

        private void line() throws IOException {
            if (lineLength == 0) {
                if (dataLength >= 0) {
                    messages.message(name == null ? "message" : name, id, Arrays.copyOf(data, dataLength));
                }
                name = null;
                dataLength = -1;
                return;
            }
            if (line[0] == ':') {
                return; // a comment, such as the server's keep-alive
            }
            int colon = 0;
            while (colon < lineLength && line[colon] != ':') {
                colon++;
            }
            int valueStart = colon < lineLength ? colon + 1 : lineLength;
            if (valueStart < lineLength && line[valueStart] == ' ') {
                valueStart++;
            }
            int valueLength = lineLength - valueStart;
            if (isField(DATA, colon)) {
                int joined = dataLength < 0 ? valueLength : dataLength + 1 + valueLength;
                if (joined > data.length) {
                    data = Arrays.copyOf(data, Math.max(data.length * 2, joined));
                }
                if (dataLength >= 0) {
                    data[dataLength++] = '\n';
                } else {
                    dataLength = 0;
                }
                System.arraycopy(line, valueStart, data, dataLength, valueLength);
                dataLength += valueLength;
            } else if (isField(EVENT, colon)) {
                name = new String(line, valueStart, valueLength, StandardCharsets.UTF_8);
            } else if (isField(ID, colon)) {
                id = new String(line, valueStart, valueLength, StandardCharsets.UTF_8);
            }
            // "retry" and unknown fields are ignored: the reconnection delay is this client's own
        }

        private boolean isField(byte[] field, int nameLength) {
            return nameLength == field.length && Arrays.equals(line, 0, nameLength, field, 0, nameLength);
        }
    }

    @Override
    public void close() {
        for (SseSubscription subscription : List.copyOf(subscriptions)) {
            subscription.close();
        }
        connections.close();
    }

    // ---- requests and answers

    private JsonNode get(String path, Map<String, String> query) {
        return json(send("GET", path, query, null, null));
    }

    /** One request and its whole answer, on the calling thread; a server out of reach is {@code unavailable}. */
    private Response send(String method, String path, Map<String, String> query, String contentType, byte[] body) {
        try {
            return connections.exchange(method, target(path, query), contentType, body);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** The request target: the base URL's path, then the API path, then the query. */
    private String target(String path, Map<String, String> query) {
        StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> params.add(name + "=" + encode(value)));
        return basePath + path + params;
    }

    /** The body of a 2xx answer, or the exception its error body names. */
    private JsonNode json(Response response) {
        if (response.status() / 100 != 2) {
            throw failure(response.status(), response.body());
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
        } else if (cause instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
            why = "interrupted";
        } else {
            why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        }
        return new StoreUnavailableException("cannot reach the server at " + base + " (" + why + ")", cause);
    }

    // ---- HTTP/1.1

    /** A whole answer: status and body. */
    private record Response(int status, byte[] body) {
    }

    /**
     * An answer's status line and the headers that say how its body ends.
     *
     * @param contentLength the body's length, or -1 when chunked or ended by closing the connection
     * @param keepAlive     whether the connection can carry another request after this body
     */
    private record ResponseHead(int status, long contentLength, boolean chunked, boolean keepAlive) {
        boolean hasNoBody() {
            return status == 204 || status == 304;
        }
    }

    /**
     * Keep-alive connections to the server, most recently used first, each carrying one exchange at a
     * time on the thread that asked for it.
     *
     * <p>Design note: the JDK's {@code java.net.http.HttpClient} hands every exchange between the
     * calling thread, its one selector thread and its executor. With 64 clients and the server sharing
     * 2 cores those hand-offs were the bottleneck: W2 over HTTP ({@code --quick}, durability fsync) made
     * 836 appends/s with it on a nearly idle machine (load 0.9; the CPU mostly idle, the server waiting
     * 50–110 ms for each next request), and 5,208/s with blocking sockets written and read by the
     * calling thread, as here, at load 2.8. Other executors, or {@code send} for {@code sendAsync}, did
     * not change that. Hence this small client. Thread-safe.
     */
    private static final class ConnectionPool {
        /** Idle connections older than this are closed rather than reused: the JDK client's default keep-alive. */
        private static final long KEEP_IDLE_NANOS = Duration.ofSeconds(30).toNanos();
        /**
         * Exchanges in progress at once; more wait for one to end. Without a bound, async appends to a
         * server that falls behind open a connection each: W6 over HTTP on a loaded machine reached
         * ~2,000 connections (each a virtual thread and buffers on the server too) and ran a 1 GiB heap
         * out of memory. 128 leaves W2's 64 synchronous clients unthrottled. Subscriptions' own
         * connections are not counted.
         */
        private static final int MAX_EXCHANGES = 128;

        private final String host;
        private final int port;
        private final boolean tls;
        private final String hostHeader;
        private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        private final Set<Connection> open = ConcurrentHashMap.newKeySet();
        private final Semaphore exchanges = new Semaphore(MAX_EXCHANGES);
        private volatile boolean closed;

        ConnectionPool(URI base) {
            this.tls = base.getScheme().equals("https");
            this.host = base.getHost();
            this.port = base.getPort() >= 0 ? base.getPort() : tls ? 443 : 80;
            this.hostHeader = base.getRawAuthority().substring(base.getRawAuthority().lastIndexOf('@') + 1);
        }

        /**
         * Sends one request and reads its whole answer. A GET that finds its kept-alive connection
         * closed by the server before any answer goes once more on a new connection; other methods do
         * not (the server may have done them), as with the JDK client.
         */
        Response exchange(String method, String target, String contentType, byte[] body) throws IOException {
            try {
                exchanges.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a connection");
            }
            try {
                return exchangeOnConnection(method, target, contentType, body);
            } finally {
                exchanges.release();
            }
        }

        private Response exchangeOnConnection(String method, String target, String contentType, byte[] body) throws IOException {
            Map<String, String> headers = contentType == null ? Map.of() : Map.of("Content-Type", contentType);
            for (int attempt = 0; ; attempt++) {
                Connection connection = lease();
                boolean reused = connection.exchanges > 0;
                try {
                    connection.send(method, target, JSON, headers, body);
                    ResponseHead head = connection.readHead();
                    byte[] bytes = head.hasNoBody() ? new byte[0]
                            : head.contentLength() >= 0 ? connection.readFully(head.contentLength())
                            : connection.body(head).readAllBytes();
                    release(connection, head.keepAlive());
                    return new Response(head.status(), bytes);
                } catch (IOException | RuntimeException e) {
                    connection.close();
                    if (e instanceof NoAnswer && reused && attempt == 0 && method.equals("GET")) {
                        continue;
                    }
                    throw e;
                }
            }
        }

        /** A new connection for the caller alone (a subscription's); it never returns to the pool. */
        Connection open() throws IOException {
            if (closed) {
                throw new IOException("the client is closed");
            }
            Connection connection = Connection.open(host, port, tls, hostHeader, this);
            open.add(connection);
            if (closed) {
                connection.close();
                throw new IOException("the client is closed");
            }
            return connection;
        }

        private Connection lease() throws IOException {
            Connection connection;
            while ((connection = idle.pollFirst()) != null) {
                if (System.nanoTime() - connection.idleSince < KEEP_IDLE_NANOS && !connection.closedByServer()) {
                    return connection;
                }
                connection.close();
            }
            return open();
        }

        private void release(Connection connection, boolean keepAlive) {
            if (!keepAlive || closed) {
                connection.close();
                return;
            }
            connection.idleSince = System.nanoTime();
            idle.offerFirst(connection);
            Connection oldest = idle.peekLast(); // the least used: close it once it has idled too long
            if (oldest != null && System.nanoTime() - oldest.idleSince > KEEP_IDLE_NANOS && idle.removeLastOccurrence(oldest)) {
                oldest.close();
            }
        }

        void forget(Connection connection) {
            open.remove(connection);
        }

        /** Closes every connection, idle or in use: exchanges in progress fail as unavailable. */
        void close() {
            closed = true;
            for (Connection connection : List.copyOf(open)) {
                connection.close();
            }
            idle.clear();
        }
    }

    /** The server closed the connection before a single byte of the answer. */
    private static final class NoAnswer extends EOFException {
        NoAnswer() {
            super("the server closed the connection without answering");
        }
    }

    /**
     * One HTTP/1.1 connection: writes a request in one write, reads the answer through its own
     * buffer. Not thread-safe: one exchange at a time.
     */
    private static final class Connection implements AutoCloseable {
        private static final int MAX_LINE = 64 * 1024;

        private final Socket socket;
        private final SocketChannel channel; // null over TLS
        private final InputStream in;
        private final OutputStream out;
        private final String hostHeader;
        private final ConnectionPool pool;
        private final byte[] buffer = new byte[16 * 1024];
        private final ByteBuffer probe = ByteBuffer.allocate(1);
        private int position;
        private int limit;
        private volatile long idleSince;
        private long exchanges;

        private Connection(Socket socket, SocketChannel channel, String hostHeader, ConnectionPool pool) throws IOException {
            this.socket = socket;
            this.channel = channel;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.hostHeader = hostHeader;
            this.pool = pool;
        }

        static Connection open(String host, int port, boolean tls, String hostHeader, ConnectionPool pool) throws IOException {
            SocketChannel channel = SocketChannel.open();
            Socket socket = channel.socket();
            try {
                socket.setTcpNoDelay(true); // a request is one write; nothing to wait for
                try {
                    socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
                } catch (SocketTimeoutException e) {
                    throw new HttpConnectTimeoutException("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
                }
                socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
                if (!tls) {
                    return new Connection(socket, channel, hostHeader, pool);
                }
                SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(socket, host, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.startHandshake();
                return new Connection(secure, null, hostHeader, pool);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        /** Writes the request line, headers and body in one write. */
        void send(String method, String target, String accept, Map<String, String> headers, byte[] body) throws IOException {
            StringBuilder head = new StringBuilder(160 + target.length())
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader).append("\r\n")
                    .append("Accept: ").append(accept).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
            int bodyLength = body == null ? 0 : body.length;
            byte[] request = new byte[headBytes.length + bodyLength];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            if (body != null) {
                System.arraycopy(body, 0, request, headBytes.length, bodyLength);
            }
            out.write(request);
            out.flush();
            exchanges++;
        }

        /** The status line and headers of the answer; informational (1xx) answers are skipped. */
        ResponseHead readHead() throws IOException {
            while (true) {
                if (position == limit && fill() < 0) {
                    throw new NoAnswer();
                }
                String statusLine = line();
                if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                    throw new IOException("not an HTTP/1.1 answer: " + statusLine);
                }
                int status;
                try {
                    status = Integer.parseInt(statusLine, 9, 12, 10);
                } catch (NumberFormatException e) {
                    throw new IOException("not an HTTP/1.1 status line: " + statusLine);
                }
                boolean keepAlive = statusLine.startsWith("HTTP/1.1");
                long contentLength = -1;
                boolean chunked = false;
                String header;
                while (!(header = line()).isEmpty()) {
                    int colon = header.indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = header.substring(colon + 1).trim();
                    switch (name) {
                        case "content-length" -> contentLength = parseLength(value);
                        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                        case "connection" -> {
                            String token = value.toLowerCase(Locale.ROOT);
                            if (token.contains("close")) {
                                keepAlive = false;
                            } else if (token.contains("keep-alive")) {
                                keepAlive = true;
                            }
                        }
                        default -> {
                            // not needed to read the answer
                        }
                    }
                }
                if (status >= 100 && status < 200) {
                    continue;
                }
                if (chunked) {
                    contentLength = -1;
                }
                boolean delimited = chunked || contentLength >= 0 || status == 204 || status == 304;
                return new ResponseHead(status, contentLength, chunked, keepAlive && delimited);
            }
        }

        private static long parseLength(String value) throws IOException {
            try {
                long length = Long.parseLong(value);
                if (length < 0) {
                    throw new NumberFormatException();
                }
                return length;
            } catch (NumberFormatException e) {
                throw new IOException("a bad Content-Length: " + value);
            }
        }

        /** The body after {@code head}, as the server delimits it; ends where the body ends. */
        InputStream body(ResponseHead head) {
            if (head.hasNoBody()) {
                return InputStream.nullInputStream();
            }
            if (head.chunked()) {
                return new ChunkedBody();
            }
            return head.contentLength() >= 0 ? new LengthBody(head.contentLength()) : new UntilClosedBody();
        }

        byte[] readFully(long length) throws IOException {
            if (length > Integer.MAX_VALUE - 16) {
                throw new IOException("an answer of " + length + " bytes is too large");
            }
            byte[] bytes = new byte[(int) length];
            int done = 0;
            while (done < bytes.length) {
                int n = read(bytes, done, bytes.length - done);
                if (n < 0) {
                    throw new EOFException("the answer ended after " + done + " of " + length + " bytes");
                }
                done += n;
            }
            return bytes;
        }

        /** Reads into {@code target} from the buffer, or straight from the socket when the buffer is empty. */
        private int read(byte[] target, int offset, int length) throws IOException {
            if (position == limit) {
                if (length >= buffer.length) {
                    return readSocket(target, offset, length);
                }
                if (fill() < 0) {
                    return -1;
                }
            }
            int n = Math.min(length, limit - position);
            System.arraycopy(buffer, position, target, offset, n);
            position += n;
            return n;
        }

        private int fill() throws IOException {
            int n = readSocket(buffer, 0, buffer.length);
            position = 0;
            limit = Math.max(n, 0);
            return n;
        }

        private int readSocket(byte[] target, int offset, int length) throws IOException {
            try {
                return in.read(target, offset, length);
            } catch (SocketTimeoutException e) {
                throw new HttpTimeoutException("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
            }
        }

        /** One line of the head, without its CRLF (or LF). */
        private String line() throws IOException {
            StringBuilder text = new StringBuilder(64);
            while (true) {
                if (position == limit && fill() < 0) {
                    throw new EOFException("the answer ended in its headers");
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    int end = text.length();
                    if (end > 0 && text.charAt(end - 1) == '\r') {
                        text.setLength(end - 1);
                    }
                    return text.toString();
                }
                if (text.length() >= MAX_LINE) {
                    throw new IOException("a header line of the answer is longer than " + MAX_LINE + " bytes");
                }
                text.append((char) (b & 0xff));
            }
        }

        /**
         * Whether the server closed this idle connection (its idle timeout, a restart): a read that does
         * not wait finds the end of the stream. Over TLS there is no such read; only age retires those.
         */
        boolean closedByServer() {
            if (position < limit) {
                return true; // bytes nobody asked for: not a clean connection
            }
            if (channel == null) {
                return false;
            }
            try {
                channel.configureBlocking(false);
                try {
                    probe.clear();
                    return channel.read(probe) != 0;
                } finally {
                    channel.configureBlocking(true);
                }
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() {
            pool.forget(this);
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        /** A body that ends when the server closes the connection (neither a length nor chunks). */
        private final class UntilClosedBody extends InputStream {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                return length == 0 ? 0 : Connection.this.read(target, offset, length);
            }
        }

        /** A body of a known length. */
        private final class LengthBody extends InputStream {
            private long remaining;

            LengthBody(long length) {
                this.remaining = length;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = Connection.this.read(target, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw new EOFException("the answer ended " + remaining + " bytes early");
                }
                remaining -= n;
                return n;
            }
        }

        /** A body in chunks (RFC 9112, 7.1): size line, bytes, CRLF, until a chunk of size 0 and the trailers. */
        private final class ChunkedBody extends InputStream {
            private long remaining;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                while (remaining == 0) {
                    if (ended) {
                        return -1;
                    }
                    nextChunk();
                }
                int n = Connection.this.read(target, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw new EOFException("the answer ended inside a chunk");
                }
                remaining -= n;
                if (remaining == 0) {
                    String crlf = line();
                    if (!crlf.isEmpty()) {
                        throw new IOException("a chunk is not followed by CRLF");
                    }
                }
                return n;
            }

            private void nextChunk() throws IOException {
                String sizeLine = line();
                int extension = sizeLine.indexOf(';');
                String size = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim();
                try {
                    remaining = Long.parseLong(size, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a bad chunk size: " + sizeLine);
                }
                if (remaining < 0) {
                    throw new IOException("a bad chunk size: " + sizeLine);
                }
                if (remaining == 0) {
                    ended = true;
                    while (!line().isEmpty()) {
                        // trailers: not needed
                    }
                }
            }
        }
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

    /**
     * An RFC 3339 time from the server. Its own form, UTC with 0 to 9 fraction digits
     * ({@code 2026-11-27T22:31:47.123456Z}), is read by hand: {@code OffsetDateTime.parse} was a fifth
     * of this client's CPU per SSE event in W6 over HTTP (1,065 of 5,393 CPU-time samples of the
     * subscription threads). Any other form goes to that general parser, which also rejects what is invalid.
     */
    private static Instant time(String text) {
        Instant utc = utcTime(text);
        return utc != null ? utc : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (1 to 9 fraction digits) as an instant; null when the text is anything else. */
    static Instant utcTime(String text) {
        int length = text.length();
        if (length < 20 || length == 21 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || (length > 20 && text.charAt(19) != '.')) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int fractionDigits = length > 20 ? length - 21 : 0;
        int fraction = fractionDigits == 0 ? 0 : digits(text, 20, fractionDigits);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || fraction < 0
                || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long nanos = fraction;
        for (int i = fractionDigits; i < 9; i++) {
            nanos *= 10;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code text[from, from + count)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
