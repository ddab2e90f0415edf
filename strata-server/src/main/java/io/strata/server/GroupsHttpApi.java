package io.strata.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.strata.server.groups.AckResult;
import io.strata.server.groups.ConsumerGroup;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.groups.GroupCreation;
import io.strata.server.groups.GroupSettingsJson;
import io.strata.server.groups.Message;
import io.strata.server.groups.NackResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The consumer-group routes of spec/http-api.md ("Consumer groups — the broker") over
 * {@link ConsumerGroups}; the semantics are the core's (docs/consumer-groups.md).
 *
 * <pre>
 *   GET    /v1/groups                          200 {"groups": [group, …]}
 *   PUT    /v1/groups/{group}                  201 created / 200 same settings / 409 group_exists     → group + settings
 *   GET    /v1/groups/{group}                  200 group + settings
 *   DELETE /v1/groups/{group}                  204
 *   POST   /v1/groups/{group}/fetch            200 {"messages": [message, …]}: long poll up to "wait"
 *   POST   /v1/groups/{group}/ack              200 {"acked": n, "unknown": m}
 *   POST   /v1/groups/{group}/nack             200 {"nacked": n, "unknown": m}
 *   GET    /v1/groups/{group}/parked?limit=N   200 {"messages": [parked, …]}   (limit 1 … 10,000, default 100)
 *   POST   /v1/groups/{group}/parked/replay    200 {"replayed": n}
 * </pre>
 *
 * An unknown group is 404 {@code not_found}; a path under a group that is none of these, 404; a
 * method a path does not take, 405 with {@code Allow}. Shapes: {@link GroupsJson}.
 *
 * <p>Threads: Helidon runs each request on a virtual thread, and a long-polling fetch waits on the
 * group's {@link java.util.concurrent.locks.Condition}, which unmounts it: a waiting fetch holds
 * neither a platform thread nor the group's lock (it wakes every {@link #POLL_SLICE} to see whether
 * the server is closing, see {@link #longPoll}).
 */
final class GroupsHttpApi {
    static final String GROUPS = "/v1/groups";
    private static final String GROUP_PREFIX = GROUPS + "/";
    static final int DEFAULT_PARKED_LIMIT = 100;

    /** A long poll waits in slices this long, so that it notices the server closing (see {@link #longPoll}). */
    static final Duration POLL_SLICE = Duration.ofMillis(250);

    private final ConsumerGroups groups;
    private final ServerConfig config;
    private final BooleanSupplier serving;
    /** Cut once the server has stopped, so that these routes stop holding the groups (RouteHandlers). */
    private final RouteHandlers handlers;

    /** @param serving false once the server is closing: waiting fetches then answer with what they have */
    GroupsHttpApi(ConsumerGroups groups, ServerConfig config, BooleanSupplier serving, RouteHandlers handlers) {
        this.groups = groups;
        this.config = config;
        this.serving = serving;
        this.handlers = handlers;
    }

    void routes(HttpRouting.Builder routing) {
        routing.get(GROUPS, handlers.guarded(this::list))
                .any(GROUPS, HttpApi.guarded((req, res) -> {
                    throw notAllowed(req, res, "GET");
                }))
                .any(GROUP_PREFIX + "*", handlers.guarded(this::route));
    }

    /** Dispatches {@code /v1/groups/{group}[/…]} by its raw path, so the group name is percent-decoded once. */
    private void route(ServerRequest req, ServerResponse res) {
        String raw = req.path().rawPath();
        String[] segments = raw.substring(GROUP_PREFIX.length()).split("/", -1);
        if (segments[0].isEmpty()) {
            throw ApiException.notFound("no such resource: " + req.path().path());
        }
        String group = HttpApi.percentDecode(segments[0]);
        Method method = req.prologue().method();
        String resource = segments.length == 1 ? "" : String.join("/", Arrays.copyOfRange(segments, 1, segments.length));
        switch (resource) {
            case "" -> {
                if (method.equals(Method.GET)) {
                    show(group, res);
                } else if (method.equals(Method.PUT)) {
                    create(group, req, res);
                } else if (method.equals(Method.DELETE)) {
                    groups.delete(group);
                    res.status(204).send();
                } else {
                    throw notAllowed(req, res, "GET, PUT, DELETE");
                }
            }
            case "fetch" -> post(req, res, () -> fetch(group, req, res));
            case "ack" -> post(req, res, () -> ack(group, req, res));
            case "nack" -> post(req, res, () -> nack(group, req, res));
            case "parked" -> {
                if (!method.equals(Method.GET)) {
                    throw notAllowed(req, res, "GET");
                }
                parked(group, req, res);
            }
            case "parked/replay" -> post(req, res, () -> replay(group, req, res));
            default -> throw ApiException.notFound("no such resource: " + req.path().path());
        }
    }

    private static void post(ServerRequest req, ServerResponse res, Runnable handler) {
        if (!req.prologue().method().equals(Method.POST)) {
            throw notAllowed(req, res, "POST");
        }
        handler.run();
    }

    private static ApiException notAllowed(ServerRequest req, ServerResponse res, String allow) {
        res.header(HeaderNames.ALLOW, allow);
        return ApiException.methodNotAllowed(req.prologue().method().text(), req.path().path());
    }

    // ---- the registry

    private void list(ServerRequest req, ServerResponse res) {
        HttpApi.sendJson(res, 200, GroupsJson.list("groups", groups.list(), GroupsJson::group));
    }

    private void show(String name, ServerResponse res) {
        HttpApi.sendJson(res, 200, GroupsJson.groupWithSettings(groups.get(name).status()));
    }

    private void create(String name, ServerRequest req, ServerResponse res) {
        JsonNode body = requiredBody(req);
        GroupCreation creation = groups.create(name, GroupSettingsJson.fromJson(body));
        ObjectNode answer = GroupsJson.groupWithSettings(creation.group().status());
        if (creation.created()) {
            // Group names are letters, digits, '.', '_' and '-': nothing to percent-encode.
            res.header(HeaderNames.LOCATION, GROUP_PREFIX + name);
        }
        HttpApi.sendJson(res, creation.created() ? 201 : 200, answer);
    }

    // ---- consuming

    private void fetch(String name, ServerRequest req, ServerResponse res) {
        GroupRequestBodies.Fetch fetch = GroupRequestBodies.Fetch.parse(requiredBody(req));
        ConsumerGroup group = groups.get(name);
        HttpApi.sendJson(res, 200, GroupsJson.list("messages", longPoll(group, fetch), GroupsJson::message));
    }

    /**
     * The fetch, waiting up to its {@code wait} for a first message, in slices of {@link #POLL_SLICE}.
     *
     * <p>Design note: the server stops by stopping Helidon, which lets in-flight requests finish for
     * its grace period (5 s) before cutting them off, and only then closes the groups (which would end a
     * waiting fetch). A fetch waiting the whole {@code wait} made every close take 5 s and left its
     * client with a dropped connection. Between slices the fetch checks whether the server is still
     * serving; when it is not, it answers with no messages, as a wait that ran out does, and the client
     * polls again. A slice costs a waiting fetch one pass through the group's lock per 250 ms.
     */
    private List<Message> longPoll(ConsumerGroup group, GroupRequestBodies.Fetch fetch) {
        Duration wait = fetch.maxWait();
        if (wait.isNegative() || wait.compareTo(ConsumerGroup.MAX_WAIT) > 0) {
            // The core checks this only per call, and it sees slices.
            throw ApiException.invalid("wait must be between PT0S and " + ConsumerGroup.MAX_WAIT + ", got " + wait);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long remaining = Math.max(0, deadline - System.nanoTime());
            long slice = Math.min(remaining, POLL_SLICE.toNanos());
            List<Message> messages = group.fetch(fetch.consumer(), fetch.max(), Duration.ofNanos(slice));
            if (!messages.isEmpty() || slice == remaining || !serving.getAsBoolean()) {
                return messages;
            }
        }
    }

    private void ack(String name, ServerRequest req, ServerResponse res) {
        GroupRequestBodies.Ack ack = GroupRequestBodies.Ack.parse(requiredBody(req));
        AckResult result = groups.get(name).ack(ack.ackIds());
        ObjectNode json = WireJson.object();
        json.put("acked", result.acked());
        json.put("unknown", result.unknown());
        HttpApi.sendJson(res, 200, json);
    }

    private void nack(String name, ServerRequest req, ServerResponse res) {
        GroupRequestBodies.Nack nack = GroupRequestBodies.Nack.parse(requiredBody(req));
        NackResult result = groups.get(name).nack(nack.ackIds(), nack.action(), nack.delay());
        ObjectNode json = WireJson.object();
        json.put("nacked", result.nacked());
        json.put("unknown", result.unknown());
        HttpApi.sendJson(res, 200, json);
    }

    // ---- parked

    private void parked(String name, ServerRequest req, ServerResponse res) {
        int limit = parkedLimit(HttpApi.param(req, "limit"));
        HttpApi.sendJson(res, 200, GroupsJson.list("messages", groups.get(name).parked(limit), GroupsJson::parked));
    }

    private void replay(String name, ServerRequest req, ServerResponse res) {
        GroupRequestBodies.parseReplay(optionalBody(req));
        int replayed = groups.get(name).replayParked();
        ObjectNode json = WireJson.object();
        json.put("replayed", replayed);
        HttpApi.sendJson(res, 200, json);
    }

    static int parkedLimit(Optional<String> text) {
        if (text.isEmpty()) {
            return DEFAULT_PARKED_LIMIT;
        }
        long limit = HttpApi.parseNonNegative(text.get());
        if (limit < 1 || limit > ConsumerGroup.MAX_PARKED_LIMIT) {
            throw ApiException.invalid("limit must be a number from 1 to " + ConsumerGroup.MAX_PARKED_LIMIT + ", got '" + text.get() + "'");
        }
        return (int) limit;
    }

    // ---- bodies

    private JsonNode requiredBody(ServerRequest req) {
        JsonNode body = optionalBody(req);
        if (body == null) {
            throw ApiException.invalid("the body is empty: send a JSON object");
        }
        return body;
    }

    /** The JSON body, or null when there is none; {@code unsupported_media_type} unless it is JSON. */
    private JsonNode optionalBody(ServerRequest req) {
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("application/json");
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type",
                    "content type '" + contentType + "' is not supported here; send application/json", Map.of());
        }
        byte[] bytes = HttpApi.readBody(req, config.maxRequestBytes());
        return bytes.length == 0 ? null : WireJson.parse(bytes);
    }
}
