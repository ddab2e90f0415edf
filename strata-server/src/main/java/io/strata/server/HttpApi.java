package io.strata.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.strata.core.AllSlice;
import io.strata.core.AppendResult;
import io.strata.core.Direction;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamSlice;
import io.strata.core.StrataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The routes of spec/http-api.md over one {@link EventStore}. */
final class HttpApi {
    static final String STREAMS = "/v1/streams/";
    static final String SUBSCRIBE_STREAMS = "/v1/subscribe/streams/";
    static final int MAX_LIMIT = 1000;
    static final io.helidon.http.HeaderName EXPECTED_REVISION_HEADER = HeaderNames.create("Strata-Expected-Revision");

    private final EventStore store;
    private final ServerConfig config;
    private final BooleanSupplier ready;
    private final SseEndpoint sse;
    private final ServerMetrics metrics;
    private final GroupsHttpApi groups;
    private final RouteHandlers handlers;

    HttpApi(EventStore store, ServerConfig config, BooleanSupplier ready, SseEndpoint sse, ServerMetrics metrics,
            GroupsHttpApi groups, RouteHandlers handlers) {
        this.store = store;
        this.config = config;
        this.ready = ready;
        this.sse = sse;
        this.metrics = metrics;
        this.groups = groups;
        this.handlers = handlers;
    }

    void routes(HttpRouting.Builder routing) {
        groups.routes(routing);
        // Handlers that hold this API (and through it the store) go through handlers, which the server cuts
        // once it has stopped (RouteHandlers); the ones that hold nothing of the server need not.
        routing.post("/v1/streams/*", handlers.guarded(this::append))
                .get("/v1/streams/*", handlers.guarded(this::readStream))
                .any("/v1/streams/*", notAllowed("GET, POST"))
                .get("/v1/all", handlers.guarded(this::readAll))
                .any("/v1/all", notAllowed("GET"))
                .get("/v1/subscribe/streams/*", handlers.guarded(sse::subscribeToStream))
                .any("/v1/subscribe/streams/*", notAllowed("GET"))
                .get("/v1/subscribe/all", handlers.guarded(sse::subscribeToAll))
                .any("/v1/subscribe/all", notAllowed("GET"))
                .get("/v1/info", handlers.guarded((req, res) -> sendJson(res, 200, WireJson.info(store.info()))))
                .any("/v1/info", notAllowed("GET"))
                .get("/health/live", guarded((req, res) -> sendJson(res, 200, status("up"))))
                .any("/health/live", notAllowed("GET"))
                .get("/health/ready", handlers.guarded(this::readiness))
                .any("/health/ready", notAllowed("GET"))
                .get("/metrics", handlers.guarded(this::scrape))
                .any("/metrics", notAllowed("GET"))
                .any(guarded((req, res) -> {
                    throw ApiException.notFound("no such resource: " + req.prologue().method().text() + " " + req.path().path());
                }));
    }

    /** Runs {@code handler}, answering every failure with the error body of the spec. */
    static Handler guarded(Handler handler) {
        return (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (Exception e) {
                sendError(res, e, null);
            }
        };
    }

    private static Handler notAllowed(String allow) {
        return guarded((req, res) -> {
            res.header(HeaderNames.ALLOW, allow);
            throw ApiException.methodNotAllowed(req.prologue().method().text(), req.path().path());
        });
    }

    static void sendError(ServerResponse res, Throwable failure, JsonNode expectedAsSent) {
        if (res.isSent()) {
            return;
        }
        Errors.Answer answer = Errors.answer(failure, expectedAsSent);
        sendJson(res, answer.status(), answer.body());
    }

    static void sendJson(ServerResponse res, int status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(WireJson.bytes(body));
    }

    private static ObjectNode status(String status) {
        ObjectNode json = WireJson.object();
        json.put("status", status);
        return json;
    }

    private void readiness(ServerRequest req, ServerResponse res) {
        if (ready.getAsBoolean()) {
            sendJson(res, 200, status("ready"));
        } else {
            throw new ApiException(503, "unavailable", "the server is not ready (starting or shutting down)", java.util.Map.of());
        }
    }

    private void scrape(ServerRequest req, ServerResponse res) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, ServerMetrics.CONTENT_TYPE);
        res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    // ---- append

    private void append(ServerRequest req, ServerResponse res) {
        String stream = pathName(req, STREAMS);
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("application/json");
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        AppendBody body = switch (mediaType) {
            case "application/json" -> AppendBody.parse(WireJson.parse(readBody(req, config.maxRequestBytes())));
            case CloudEvents.BATCH, CloudEvents.SINGLE -> {
                // Validate the expected revision before reading the body: a bad one writes nothing anyway.
                JsonNode expectedAsSent = expectedFromRequest(req);
                JsonNode json = WireJson.parse(readBody(req, config.maxRequestBytes()));
                List<EventData> events = mediaType.equals(CloudEvents.BATCH)
                        ? CloudEvents.parseBatch(json) : CloudEvents.parseSingle(json);
                yield new AppendBody(expectedAsSent, AppendBody.expectedRevision(expectedAsSent), events);
            }
            default -> throw ApiException.unsupportedMediaType(contentType);
        };
        AppendResult result;
        long started = System.nanoTime();
        try {
            result = store.append(stream, body.expected(), body.events());
        } catch (StrataException e) {
            metrics.appendFailed(e.code().wireName(), System.nanoTime() - started);
            sendError(res, e, body.expectedAsSent());
            return;
        }
        metrics.appended(body.events(), System.nanoTime() - started);
        sendJson(res, 200, WireJson.appendResult(result));
    }

    /**
     * A CloudEvents append's expected revision as the client wrote it: the {@code expectedRevision} query
     * parameter, else the {@code Strata-Expected-Revision} header, else null ("any"). A number is given
     * back as a JSON number, anything else as a string; an invalid value is {@code invalid_request}.
     */
    static JsonNode expectedFromRequest(ServerRequest req) {
        Optional<String> text = param(req, "expectedRevision");
        if (text.isEmpty()) {
            text = req.headers().first(EXPECTED_REVISION_HEADER);
        }
        if (text.isEmpty()) {
            return null;
        }
        String value = text.get().trim();
        long number = parseNonNegative(value);
        JsonNode node = number >= 0 ? WireJson.MAPPER.getNodeFactory().numberNode(number)
                : WireJson.MAPPER.getNodeFactory().stringNode(value);
        AppendBody.expectedRevision(node); // throws invalid_request when it is not one
        return node;
    }

    /** The whole body, refused with 413 as soon as it is over {@code limit}: appends and group requests alike. */
    static byte[] readBody(ServerRequest req, long limit) {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw ApiException.bodyTooLarge(limit);
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > limit) {
                    throw ApiException.bodyTooLarge(limit);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- reads

    private void readStream(ServerRequest req, ServerResponse res) {
        String stream = pathName(req, STREAMS);
        Direction direction = direction(req);
        long from = streamFrom(param(req, "from"), direction == Direction.FORWARD ? ReadStreamOptions.START : ReadStreamOptions.END);
        int limit = limit(req);
        Optional<Instant> asOf = param(req, "asOf").map(text -> WireJson.parseTime("asOf", text));
        StreamSlice slice = store.readStream(stream, new ReadStreamOptions(from, direction, limit, asOf));
        if (wantsCloudEvents(req)) {
            // The paging fields of the JSON answer travel as headers next to the bare array.
            res.header(HeaderNames.create("Strata-Last-Revision"), Long.toString(slice.lastRevision()));
            if (slice.next().isPresent()) {
                res.header(HeaderNames.create("Strata-Next"), Long.toString(slice.next().getAsLong()));
            }
            res.status(200);
            res.header(HeaderNames.CONTENT_TYPE, CloudEvents.BATCH);
            res.send(WireJson.bytes(CloudEvents.batch(slice.events())));
            return;
        }
        ObjectNode json = WireJson.object();
        json.put("stream", slice.stream());
        json.set("events", events(slice.events()));
        json.put("lastRevision", slice.lastRevision());
        if (slice.next().isPresent()) {
            json.put("next", slice.next().getAsLong());
        } else {
            json.putNull("next");
        }
        sendJson(res, 200, json);
    }

    private void readAll(ServerRequest req, ServerResponse res) {
        Direction direction = direction(req);
        long from = allFrom(param(req, "from"), direction == Direction.FORWARD ? ReadAllOptions.START : ReadAllOptions.END);
        int limit = limit(req);
        Optional<Instant> asOf = param(req, "asOf").map(text -> WireJson.parseTime("asOf", text));
        AllSlice slice = store.readAll(new ReadAllOptions(from, direction, limit, asOf, filter(req)));
        ObjectNode json = WireJson.object();
        json.set("events", events(slice.events()));
        if (slice.next().isPresent()) {
            json.put("next", slice.next().get().token());
        } else {
            json.putNull("next");
        }
        sendJson(res, 200, json);
    }

    /** Whether the Accept header asks for {@code application/cloudevents-batch+json}. */
    private static boolean wantsCloudEvents(ServerRequest req) {
        for (String accept : req.headers().all(HeaderNames.ACCEPT, List::of)) {
            for (String range : accept.split(",")) {
                String media = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (media.equals(CloudEvents.BATCH)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ArrayNode events(List<RecordedEvent> events) {
        ArrayNode array = WireJson.MAPPER.createArrayNode();
        for (RecordedEvent event : events) {
            array.add(WireJson.event(event));
        }
        return array;
    }

    // ---- parameters (shared with SSE)

    static Optional<String> param(ServerRequest req, String name) {
        return req.query().contains(name) ? Optional.of(req.query().get(name)) : Optional.empty();
    }

    static Direction direction(ServerRequest req) {
        return switch (param(req, "direction").orElse("forward")) {
            case "forward" -> Direction.FORWARD;
            case "backward" -> Direction.BACKWARD;
            default -> throw ApiException.invalid("direction must be forward or backward, got '" + req.query().get("direction") + "'");
        };
    }

    static int limit(ServerRequest req) {
        Optional<String> text = param(req, "limit");
        if (text.isEmpty()) {
            return ReadStreamOptions.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.get());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.invalid("limit must be a number from 1 to " + MAX_LIMIT + ", got '" + text.get() + "'");
    }

    /** A stream's {@code from}: {@code start}, {@code end} or a revision number. */
    static long streamFrom(Optional<String> text, long defaultValue) {
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get()) {
            case "start" -> ReadStreamOptions.START;
            case "end" -> ReadStreamOptions.END;
            default -> {
                long revision = parseNonNegative(text.get());
                if (revision < 0) {
                    throw ApiException.invalid("from must be start, end or a revision number, got '" + text.get() + "'");
                }
                yield revision;
            }
        };
    }

    /** {@code $all}'s {@code from}: {@code start}, {@code end} or a position token. */
    static long allFrom(Optional<String> text, long defaultValue) {
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get()) {
            case "start" -> ReadAllOptions.START;
            case "end" -> ReadAllOptions.END;
            default -> {
                long position = parseNonNegative(text.get());
                if (position < 0) {
                    throw ApiException.invalid("from must be start, end or a position token, got '" + text.get() + "'");
                }
                yield Position.of(position).value();
            }
        };
    }

    /** A decimal number of 0 or more, or -1 when the text is not one. */
    static long parseNonNegative(String text) {
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static EventFilter filter(ServerRequest req) {
        EventFilter filter = EventFilter.ALL;
        if (req.query().contains("type")) {
            Set<String> types = new LinkedHashSet<>();
            for (String value : req.query().all("type")) {
                for (String type : value.split(",", -1)) {
                    if (type.isEmpty()) {
                        throw ApiException.invalid("type must be a comma-separated list of event types, got '" + value + "'");
                    }
                    types.add(type);
                }
            }
            filter = filter.withTypes(types);
        }
        Optional<String> category = param(req, "category");
        if (category.isPresent()) {
            if (category.get().isEmpty()) {
                throw ApiException.invalid("category must not be empty");
            }
            filter = filter.withCategory(category.get());
        }
        Optional<String> prefix = param(req, "streamPrefix");
        if (prefix.isPresent()) {
            filter = filter.withStreamPrefix(prefix.get());
        }
        return filter;
    }

    /** The percent-decoded name after {@code prefix} in the raw request path. */
    static String pathName(ServerRequest req, String prefix) {
        String raw = req.path().rawPath();
        if (!raw.startsWith(prefix) || raw.length() == prefix.length()) {
            throw ApiException.notFound("no such resource: " + req.path().path());
        }
        return percentDecode(raw.substring(prefix.length()));
    }

    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw ApiException.invalid("bad percent-encoding in the path: '" + text + "'");
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw ApiException.invalid("bad percent-encoding in the path: '" + text + "'");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    bytes = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(bytes, 0, bytes.length);
            }
        }
        byte[] bytes = out.toByteArray();
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiException.invalid("the name in the path is not percent-encoded UTF-8: '" + text + "'");
        }
    }
}
