package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.core.Durability;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The consumer-group calls of spec/http-api.md against a real server on a random port. */
class GroupsHttpApiTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final long MAX_REQUEST_BYTES = 100_000;

    @TempDir
    Path dir;

    private StrataServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void start() {
        server = StrataServer.start(config());
    }

    private ServerConfig config() {
        return ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE).maxRequestBytes(MAX_REQUEST_BYTES)
                .memtableEntries(1024).build();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        server.close();
    }

    // ---- helpers

    record Answer(int status, HttpResponse<String> response, JsonNode body) {
        JsonNode messages() {
            return body.get("messages");
        }
    }

    private Answer send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).timeout(Duration.ofSeconds(60));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? null : WireJson.MAPPER.readTree(response.body());
        return new Answer(response.statusCode(), response, json);
    }

    private Answer post(String path, String body) throws Exception {
        return send("POST", path, "application/json", body);
    }

    private Answer put(String path, String body) throws Exception {
        return send("PUT", path, "application/json", body);
    }

    private Answer get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    private Answer ok(Answer answer) {
        assertThat(answer.status()).as("%s", answer.body()).isBetween(200, 299);
        return answer;
    }

    private void append(String stream, int count) throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add("{\"type\":\"Happened\",\"data\":{\"n\":" + i + "}}");
        }
        ok(post("/v1/streams/" + stream, "{\"events\":[" + String.join(",", events) + "]}"));
    }

    private void createGroup(String name, String settings) throws Exception {
        assertThat(put("/v1/groups/" + name, settings).status()).isEqualTo(201);
    }

    private Answer fetch(String group, String consumer, int max, String wait) throws Exception {
        return ok(post("/v1/groups/" + group + "/fetch",
                "{\"consumer\":\"" + consumer + "\",\"max\":" + max + ",\"wait\":\"" + wait + "\"}"));
    }

    private Answer ack(String group, List<String> ackIds) throws Exception {
        return ok(post("/v1/groups/" + group + "/ack", "{\"ackIds\":" + WireJson.line(WireJson.MAPPER.valueToTree(ackIds)) + "}"));
    }

    private Answer nack(String group, String ackId, String action, String delay) throws Exception {
        return ok(post("/v1/groups/" + group + "/nack",
                "{\"ackIds\":[\"" + ackId + "\"],\"action\":\"" + action + "\",\"delay\":\"" + delay + "\"}"));
    }

    private JsonNode group(String name) throws Exception {
        return ok(get("/v1/groups/" + name)).body();
    }

    private static List<String> ackIds(JsonNode messages) {
        List<String> ids = new ArrayList<>();
        messages.forEach(m -> ids.add(m.get("ackId").stringValue()));
        return ids;
    }

    private static String key(JsonNode message) {
        JsonNode event = message.get("event");
        return event.get("stream").stringValue() + "@" + event.get("revision").longValue();
    }

    private static void assertError(Answer answer, int status, String code) {
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(status);
        assertThat(answer.body().get("error").get("code").stringValue()).isEqualTo(code);
        assertThat(answer.body().get("error").get("message").stringValue()).isNotBlank();
    }

    // ---- create, show, list, delete

    @Test
    void putCreatesWith201ThenAnswers200ForTheSameSettingsAnd409ForOthers() throws Exception {
        String settings = "{\"source\":{\"stream\":\"order-42\"},\"from\":\"start\",\"maxDeliveries\":3,\"ackTimeout\":\"PT10S\"}";

        Answer created = put("/v1/groups/billing", settings);
        Answer again = put("/v1/groups/billing", settings);
        Answer other = put("/v1/groups/billing", settings.replace("PT10S", "PT20S"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.response().headers().firstValue("Location")).hasValue("/v1/groups/billing");
        JsonNode group = created.body();
        assertThat(group.get("name").stringValue()).isEqualTo("billing");
        assertThat(WireJson.line(group.get("source"))).isEqualTo("{\"stream\":\"order-42\"}");
        assertThat(WireJson.line(group.get("settings"))).isEqualTo("{\"source\":{\"stream\":\"order-42\"},\"from\":\"start\","
                + "\"ordering\":\"per-stream\",\"maxDeliveries\":3,\"ackTimeout\":\"PT10S\"}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("settings")).isEqualTo(group.get("settings"));
        assertError(other, 409, "group_exists");
        assertThat(group("billing").get("settings").get("ackTimeout").stringValue()).isEqualTo("PT10S");
    }

    @Test
    void showHasTheListedFieldsAndTheSettingsWithDefaultsFilledIn() throws Exception {
        append("order-1", 3);
        createGroup("all-orders", "{\"source\":{\"all\":{\"type\":[\"Happened\"],\"category\":\"order\",\"streamPrefix\":\"order-\"}},"
                + "\"from\":\"start\"}");
        createGroup("live", "{\"source\":{\"stream\":\"order-1\"}}");

        JsonNode shown = group("all-orders");
        JsonNode list = ok(get("/v1/groups")).body().get("groups");

        assertThat(shown.propertyNames()).containsExactly("name", "source", "checkpoint", "lag", "inFlight", "parked", "consumers", "settings");
        assertThat(WireJson.line(shown.get("source"))).isEqualTo("{\"all\":{\"type\":[\"Happened\"],\"category\":\"order\",\"streamPrefix\":\"order-\"}}");
        assertThat(shown.get("checkpoint").stringValue()).isEqualTo("0");
        assertThat(shown.get("lag").longValue()).isEqualTo(3);
        assertThat(shown.get("inFlight").intValue()).isZero();
        assertThat(shown.get("parked").longValue()).isZero();
        assertThat(shown.get("consumers").intValue()).isZero();
        JsonNode settings = group("live").get("settings");
        assertThat(settings.get("from").stringValue()).isEqualTo("end");
        assertThat(settings.get("ordering").stringValue()).isEqualTo("per-stream");
        assertThat(settings.get("maxDeliveries").intValue()).isEqualTo(5);
        assertThat(settings.get("ackTimeout").stringValue()).isEqualTo("PT30S");
        assertThat(group("live").get("lag").longValue()).isZero(); // from end: the 3 events are before it
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("name").stringValue()).isEqualTo("all-orders");
        assertThat(list.get(1).get("name").stringValue()).isEqualTo("live");
        assertThat(list.get(0).propertyNames()).containsExactly("name", "source", "checkpoint", "lag", "inFlight", "parked", "consumers");
    }

    @Test
    void deleteAnswers204AndTheGroupIsGoneEvenForAWaitingFetch() throws Exception {
        createGroup("doomed", "{\"source\":{\"stream\":\"s-1\"}}");
        CompletableFuture<Answer> waiting = CompletableFuture.supplyAsync(() -> unchecked(() ->
                post("/v1/groups/doomed/fetch", "{\"consumer\":\"c1\",\"wait\":\"PT60S\"}")), threads);
        await().atMost(PATIENCE).until(() -> group("doomed").get("consumers").intValue() == 1);

        Answer deleted = send("DELETE", "/v1/groups/doomed", null, null);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.response().body()).isEmpty();
        assertError(waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), 404, "not_found");
        assertError(get("/v1/groups/doomed"), 404, "not_found");
        assertThat(ok(get("/v1/groups")).body().get("groups")).isEmpty();
        assertError(send("DELETE", "/v1/groups/doomed", null, null), 404, "not_found");
    }

    // ---- errors

    @Test
    void everyCallOnAnUnknownGroupIs404NotFound() throws Exception {
        assertError(get("/v1/groups/nobody"), 404, "not_found");
        assertError(send("DELETE", "/v1/groups/nobody", null, null), 404, "not_found");
        assertError(post("/v1/groups/nobody/fetch", "{\"consumer\":\"c1\"}"), 404, "not_found");
        assertError(post("/v1/groups/nobody/ack", "{\"ackIds\":[]}"), 404, "not_found");
        assertError(post("/v1/groups/nobody/nack", "{\"ackIds\":[],\"action\":\"skip\"}"), 404, "not_found");
        assertError(get("/v1/groups/nobody/parked"), 404, "not_found");
        assertError(post("/v1/groups/nobody/parked/replay", "{}"), 404, "not_found");
        assertError(get("/v1/groups/.hidden"), 404, "not_found");
    }

    @Test
    void badSettingsAreInvalidRequests() throws Exception {
        String[] bad = {
            "{}",
            "[]",
            "\"x\"",
            "{\"source\":{\"stream\":\"s\"},\"colour\":\"red\"}",
            "{\"source\":{\"stream\":\"\"}}",
            "{\"source\":{\"stream\":\"$all\"}}",
            "{\"source\":{\"stream\":\"s\",\"all\":{}}}",
            "{\"source\":{\"all\":{\"kind\":\"x\"}}}",
            "{\"source\":{\"all\":{\"type\":\"OrderPlaced\"}}}",
            "{\"source\":{\"stream\":\"s\"},\"from\":\"middle\"}",
            "{\"source\":{\"stream\":\"s\"},\"from\":-1}",
            "{\"source\":{\"stream\":\"s\"},\"ordering\":\"random\"}",
            "{\"source\":{\"stream\":\"s\"},\"maxDeliveries\":0}",
            "{\"source\":{\"stream\":\"s\"},\"maxDeliveries\":1001}",
            "{\"source\":{\"stream\":\"s\"},\"maxDeliveries\":\"5\"}",
            "{\"source\":{\"stream\":\"s\"},\"maxDeliveries\":99999999999}",
            "{\"source\":{\"stream\":\"s\"},\"ackTimeout\":\"30s\"}",
            "{\"source\":{\"stream\":\"s\"},\"ackTimeout\":\"PT0S\"}",
            "{\"source\":{\"stream\":\"s\"},\"ackTimeout\":\"PT25H\"}",
            "{\"source\":{\"stream\":\"s\"},\"ackTimeout\":\"PT9999999999999999999H\"}",
            "{\"source\":{\"stream\":\"s\"},\"ackTimeout\":\"-PT5S\"}",
            "{\"source\":{\"stream\":\"s\"}",
            "{\"source\":{\"stream\":\"s\"}} {}",
            "",
        };
        for (String body : bad) {
            assertError(put("/v1/groups/g", body), 400, "invalid_request");
        }
        String good = "{\"source\":{\"stream\":\"s\"}}";
        assertError(put("/v1/groups/bad%20name", good), 400, "invalid_request");
        assertError(put("/v1/groups/" + "x".repeat(129), good), 400, "invalid_request");
        assertError(put("/v1/groups/%C3%28", good), 400, "invalid_request");
        assertError(send("PUT", "/v1/groups/g", "text/plain", good), 415, "unsupported_media_type");
        assertThat(ok(get("/v1/groups")).body().get("groups")).isEmpty();
    }

    @Test
    void badConsumingBodiesAreInvalidRequests() throws Exception {
        createGroup("g", "{\"source\":{\"stream\":\"s\"}}");
        String[] badFetches = {
            "{}",
            "{\"consumer\":\"\"}",
            "{\"consumer\":42}",
            "{\"consumer\":\"" + "c".repeat(257) + "\"}",
            "{\"consumer\":\"c\\u0001\"}",
            "{\"consumer\":\"c1\",\"max\":0}",
            "{\"consumer\":\"c1\",\"max\":1001}",
            "{\"consumer\":\"c1\",\"max\":\"10\"}",
            "{\"consumer\":\"c1\",\"max\":1.5}",
            "{\"consumer\":\"c1\",\"wait\":\"5s\"}",
            "{\"consumer\":\"c1\",\"wait\":5}",
            "{\"consumer\":\"c1\",\"wait\":\"PT6M\"}",
            "{\"consumer\":\"c1\",\"wait\":\"-PT1S\"}",
            "{\"consumer\":\"c1\",\"timeout\":\"PT1S\"}",
            "[\"c1\"]",
            "not json",
        };
        for (String body : badFetches) {
            assertError(post("/v1/groups/g/fetch", body), 400, "invalid_request");
        }
        String[] badAcks = {"{}", "{\"ackIds\":\"a.1\"}", "{\"ackIds\":[1]}", "{\"ackIds\":[],\"extra\":1}"};
        for (String body : badAcks) {
            assertError(post("/v1/groups/g/ack", body), 400, "invalid_request");
        }
        String[] badNacks = {
            "{\"ackIds\":[]}",
            "{\"ackIds\":[],\"action\":\"drop\"}",
            "{\"ackIds\":[],\"action\":1}",
            "{\"ackIds\":[],\"action\":\"retry\",\"delay\":\"-PT1S\"}",
            "{\"ackIds\":[],\"action\":\"retry\",\"delay\":\"PT25H\"}",
            "{\"ackIds\":[],\"action\":\"retry\",\"delay\":\"soon\"}",
            "{\"action\":\"retry\"}",
        };
        for (String body : badNacks) {
            assertError(post("/v1/groups/g/nack", body), 400, "invalid_request");
        }
        assertError(post("/v1/groups/g/parked/replay", "{\"all\":true}"), 400, "invalid_request");
        for (String limit : List.of("0", "10001", "x", "-1", "")) {
            assertError(get("/v1/groups/g/parked?limit=" + limit), 400, "invalid_request");
        }
        assertError(send("POST", "/v1/groups/g/fetch", "text/plain", "{\"consumer\":\"c1\"}"), 415, "unsupported_media_type");
        assertError(post("/v1/groups/g/fetch", null), 400, "invalid_request");
    }

    @Test
    void tooManyAckIdsAndTooLargeBodiesAre413() throws Exception {
        createGroup("g", "{\"source\":{\"stream\":\"s\"}}");
        List<String> ids = IntStream.range(0, 10_001).mapToObj(i -> "a.1").toList();
        String tooMany = "{\"ackIds\":" + WireJson.line(WireJson.MAPPER.valueToTree(ids)) + "}";
        String oversized = "{\"consumer\":\"" + "c".repeat((int) MAX_REQUEST_BYTES) + "\"}";

        Answer answer = post("/v1/groups/g/ack", tooMany);
        assertError(answer, 413, "too_large");
        assertThat(answer.body().get("error").get("limit").intValue()).isEqualTo(10_000);
        assertError(post("/v1/groups/g/nack", tooMany.replace("}", ",\"action\":\"skip\"}")), 413, "too_large");
        Answer tooLarge = post("/v1/groups/g/fetch", oversized);
        assertError(tooLarge, 413, "too_large");
        assertThat(tooLarge.body().get("error").get("limit").longValue()).isEqualTo(MAX_REQUEST_BYTES);
    }

    @Test
    void wrongMethodsAre405WithAllowAndUnknownPathsAre404() throws Exception {
        createGroup("g", "{\"source\":{\"stream\":\"s\"}}");
        Map<String, String> allowed = new HashMap<>();
        allowed.put("POST /v1/groups", "GET");
        allowed.put("POST /v1/groups/g", "GET, PUT, DELETE");
        allowed.put("GET /v1/groups/g/fetch", "POST");
        allowed.put("PUT /v1/groups/g/ack", "POST");
        allowed.put("DELETE /v1/groups/g/nack", "POST");
        allowed.put("POST /v1/groups/g/parked", "GET");
        allowed.put("GET /v1/groups/g/parked/replay", "POST");
        for (Map.Entry<String, String> call : allowed.entrySet()) {
            String[] parts = call.getKey().split(" ");
            Answer answer = send(parts[0], parts[1], "application/json", "{}");
            assertError(answer, 405, "method_not_allowed");
            assertThat(answer.response().headers().firstValue("Allow")).as(call.getKey()).hasValue(call.getValue());
        }
        assertError(get("/v1/groups/"), 404, "not_found");
        assertError(get("/v1/groups//fetch"), 404, "not_found");
        assertError(post("/v1/groups/g/fetch/now", "{}"), 404, "not_found");
        assertError(get("/v1/groups/g/checkpoint"), 404, "not_found");
        assertError(post("/v1/groups/g/parked/replay/all", "{}"), 404, "not_found");
    }

    // ---- consuming

    @Test
    void fetchedEventsAreTheEventsOfTheRestOfTheApiAndAcksFinishThem() throws Exception {
        ok(post("/v1/streams/order-1", "{\"events\":[{\"type\":\"OrderPlaced\",\"data\":{\"sku\":\"A\",\"qty\":1.50},"
                + "\"metadata\":{\"correlationId\":\"c\"},\"validTime\":\"2026-11-01T00:00:00Z\"},"
                + "{\"type\":\"Pic\",\"dataBase64\":\"AAEC\",\"contentType\":\"image/png\"}]}"));
        createGroup("g", "{\"source\":{\"stream\":\"order-1\"},\"from\":\"start\",\"ordering\":\"none\"}");

        JsonNode messages = fetch("g", "c1", 10, "PT5S").messages();
        JsonNode read = ok(get("/v1/streams/order-1")).body().get("events");

        assertThat(messages).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(messages.get(i).propertyNames()).containsExactly("ackId", "deliveryCount", "event");
            assertThat(messages.get(i).get("deliveryCount").intValue()).isEqualTo(1);
            assertThat(messages.get(i).get("event")).isEqualTo(read.get(i));
        }
        assertThat(group("g").get("inFlight").intValue()).isEqualTo(2);
        List<String> ids = ackIds(messages);
        JsonNode acked = ack("g", List.of(ids.get(0), ids.get(1), "nonsense")).body();
        assertThat(WireJson.line(acked)).isEqualTo("{\"acked\":2,\"unknown\":1}");
        assertThat(WireJson.line(ack("g", ids).body())).isEqualTo("{\"acked\":0,\"unknown\":2}");
        JsonNode status = group("g");
        assertThat(status.get("lag").longValue()).isZero();
        assertThat(status.get("inFlight").intValue()).isZero();
        assertThat(status.get("checkpoint").stringValue()).isEqualTo("2");
        assertThat(status.get("consumers").intValue()).isEqualTo(1);
        assertThat(fetch("g", "c1", 10, "PT0S").messages()).isEmpty();
    }

    @Test
    void fetchTakesOneMessageAndDoesNotWaitByDefault() throws Exception {
        append("s-1", 3);
        createGroup("g", "{\"source\":{\"stream\":\"s-1\"},\"from\":\"start\",\"ordering\":\"none\"}");
        await().atMost(PATIENCE).until(() -> group("g").get("lag").longValue() == 3);

        JsonNode first = ok(post("/v1/groups/g/fetch", "{\"consumer\":\"c1\"}")).body().get("messages");

        assertThat(first).hasSize(1);
    }

    @Test
    void nackRetriesAfterTheDelaySkipsOrParks() throws Exception {
        append("s-1", 1);
        append("s-2", 1);
        append("s-3", 1);
        createGroup("g", "{\"source\":{\"all\":{}},\"from\":\"start\",\"ordering\":\"none\"}");
        Map<String, String> byStream = new HashMap<>();
        await().atMost(PATIENCE).until(() -> {
            fetch("g", "c1", 10, "PT1S").messages().forEach(m -> byStream.put(m.get("event").get("stream").stringValue(), m.get("ackId").stringValue()));
            return byStream.size() == 3;
        });

        JsonNode retried = nack("g", byStream.get("s-1"), "retry", "PT0.2S").body();
        JsonNode skipped = nack("g", byStream.get("s-2"), "skip", "PT0S").body();
        JsonNode parked = ok(post("/v1/groups/g/nack", "{\"ackIds\":[\"" + byStream.get("s-3") + "\"],\"action\":\"park\"}")).body();

        assertThat(WireJson.line(retried)).isEqualTo("{\"nacked\":1,\"unknown\":0}");
        assertThat(WireJson.line(skipped)).isEqualTo("{\"nacked\":1,\"unknown\":0}");
        assertThat(WireJson.line(parked)).isEqualTo("{\"nacked\":1,\"unknown\":0}");
        assertThat(WireJson.line(nack("g", byStream.get("s-2"), "skip", "PT0S").body())).isEqualTo("{\"nacked\":0,\"unknown\":1}");
        JsonNode again = fetch("g", "c2", 10, "PT10S").messages();
        assertThat(again).hasSize(1);
        assertThat(key(again.get(0))).isEqualTo("s-1@0");
        assertThat(again.get(0).get("deliveryCount").intValue()).isEqualTo(2);
        JsonNode parkedList = ok(get("/v1/groups/g/parked")).body().get("messages");
        assertThat(parkedList).hasSize(1);
        assertThat(parkedList.get(0).get("reason").stringValue()).isEqualTo("nacked");
        assertThat(parkedList.get(0).get("event").get("stream").stringValue()).isEqualTo("s-3");
        assertThat(group("g").get("parked").longValue()).isEqualTo(1);
    }

    @Test
    void competingConsumersGetDisjointMessagesInStreamOrder() throws Exception {
        int streams = 20;
        int perStream = 15;
        for (int round = 0; round < perStream; round++) {
            for (int s = 0; s < streams; s++) {
                append("order-" + s, 1); // interleaved in the log, so that consumers see every stream at once
            }
        }
        createGroup("workers", "{\"source\":{\"all\":{\"category\":\"order\"}},\"from\":\"start\"}");
        Map<String, List<Long>> deliveredInOrder = new ConcurrentHashMap<>();
        Map<String, Set<String>> seenBy = new ConcurrentHashMap<>();
        AtomicBoolean overlap = new AtomicBoolean();

        List<CompletableFuture<Void>> consumers = new ArrayList<>();
        for (String consumer : List.of("c1", "c2")) {
            seenBy.put(consumer, ConcurrentHashMap.newKeySet());
            consumers.add(CompletableFuture.runAsync(() -> unchecked(() -> {
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (System.nanoTime() < deadline && group("workers").get("lag").longValue() > 0) {
                    JsonNode messages = fetch("workers", consumer, 7, "PT0.5S").messages();
                    for (JsonNode message : messages) {
                        JsonNode event = message.get("event");
                        // Under per-stream ordering a stream has one message in flight at a time, so this
                        // list is appended to by one consumer at a time: revision order is checkable.
                        deliveredInOrder.computeIfAbsent(event.get("stream").stringValue(), s -> Collections.synchronizedList(new ArrayList<>()))
                                .add(event.get("revision").longValue());
                        if (!seenBy.get(consumer).add(key(message))) {
                            overlap.set(true);
                        }
                    }
                    if (!messages.isEmpty()) {
                        ack("workers", ackIds(messages));
                    }
                }
                return null;
            }), threads));
        }
        CompletableFuture.allOf(consumers.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds() * 2, TimeUnit.SECONDS);

        assertThat(overlap).isFalse();
        Set<String> c1 = seenBy.get("c1");
        Set<String> c2 = seenBy.get("c2");
        assertThat(c1).doesNotContainAnyElementsOf(c2);
        assertThat(c1.size() + c2.size()).isEqualTo(streams * perStream);
        assertThat(c1).isNotEmpty();
        assertThat(c2).isNotEmpty();
        List<Long> expected = IntStream.range(0, perStream).mapToObj(i -> (long) i).toList();
        for (int s = 0; s < streams; s++) {
            assertThat(deliveredInOrder.get("order-" + s)).as("order-" + s).containsExactlyElementsOf(expected);
        }
        assertThat(group("workers").get("lag").longValue()).isZero();
    }

    @Test
    void aLongPollWaitsForTheNextAppendAndReturnsIt() throws Exception {
        createGroup("live", "{\"source\":{\"stream\":\"ticks\"}}");
        CompletableFuture<Answer> waiting = CompletableFuture.supplyAsync(() -> unchecked(() -> fetch("live", "c1", 10, "PT60S")), threads);
        await().atMost(PATIENCE).until(() -> group("live").get("consumers").intValue() == 1);
        assertThat(waiting).isNotDone();

        append("ticks", 1);

        JsonNode messages = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).messages();
        assertThat(messages).hasSize(1);
        assertThat(key(messages.get(0))).isEqualTo("ticks@0");
    }

    @Test
    void manyLongPollsHoldNoPlatformThreadAndTheServerKeepsAnswering() throws Exception {
        int pollers = 64; // far more than the carrier threads of a 2-core machine
        createGroup("live", "{\"source\":{\"all\":{}},\"ordering\":\"none\"}");
        List<CompletableFuture<Answer>> waiting = new ArrayList<>();
        for (int i = 0; i < pollers; i++) {
            String consumer = "c" + i;
            waiting.add(CompletableFuture.supplyAsync(() -> unchecked(() -> fetch("live", consumer, 1, "PT60S")), threads));
        }
        await().atMost(PATIENCE).until(() -> group("live").get("consumers").intValue() == pollers);

        append("burst", pollers);

        Set<String> delivered = new HashSet<>();
        for (CompletableFuture<Answer> poll : waiting) {
            JsonNode messages = poll.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).messages();
            assertThat(messages).hasSize(1);
            delivered.add(key(messages.get(0)));
        }
        assertThat(delivered).hasSize(pollers);
    }

    @Test
    void aMessageNotAckedWithinTheAckTimeoutIsDeliveredAgain() throws Exception {
        append("s-1", 1);
        createGroup("g", "{\"source\":{\"stream\":\"s-1\"},\"from\":\"start\",\"ackTimeout\":\"PT0.3S\"}");
        JsonNode first = fetch("g", "c1", 1, "PT10S").messages().get(0);

        JsonNode second = fetch("g", "c2", 1, "PT10S").messages().get(0); // waits for the timeout

        assertThat(key(second)).isEqualTo(key(first));
        assertThat(second.get("deliveryCount").intValue()).isEqualTo(2);
        assertThat(WireJson.line(ack("g", List.of(first.get("ackId").stringValue())).body())).isEqualTo("{\"acked\":0,\"unknown\":1}");
        assertThat(WireJson.line(ack("g", List.of(second.get("ackId").stringValue())).body())).isEqualTo("{\"acked\":1,\"unknown\":0}");
    }

    @Test
    void aPoisonMessageIsParkedAfterMaxDeliveriesThenReplayed() throws Exception {
        append("order-1", 3);
        createGroup("g", "{\"source\":{\"stream\":\"order-1\"},\"from\":\"start\",\"maxDeliveries\":2}");
        for (int delivery = 1; delivery <= 2; delivery++) {
            JsonNode poison = fetch("g", "c1", 10, "PT10S").messages();
            assertThat(poison).hasSize(1); // per-stream: the poison blocks the rest of its stream
            assertThat(key(poison.get(0))).isEqualTo("order-1@0");
            assertThat(poison.get(0).get("deliveryCount").intValue()).isEqualTo(delivery);
            nack("g", poison.get(0).get("ackId").stringValue(), "retry", "PT0S");
        }

        List<String> rest = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            JsonNode messages = fetch("g", "c1", 10, "PT1S").messages();
            messages.forEach(m -> rest.add(key(m)));
            ack("g", ackIds(messages));
            return rest.size() >= 2;
        });
        assertThat(rest).containsExactly("order-1@1", "order-1@2"); // parking released the stream
        JsonNode parked = ok(get("/v1/groups/g/parked?limit=10")).body().get("messages");
        assertThat(parked).hasSize(1);
        assertThat(parked.get(0).propertyNames()).containsExactly("deliveryCount", "reason", "parkedAt", "event");
        assertThat(parked.get(0).get("deliveryCount").intValue()).isEqualTo(2);
        assertThat(parked.get(0).get("reason").stringValue()).isEqualTo("maxDeliveries");
        assertThat(parked.get(0).get("event")).isEqualTo(ok(get("/v1/streams/order-1")).body().get("events").get(0));
        assertThat(group("g").get("parked").longValue()).isEqualTo(1);

        assertThat(WireJson.line(ok(post("/v1/groups/g/parked/replay", "{}")).body())).isEqualTo("{\"replayed\":1}");

        JsonNode replayed = fetch("g", "c1", 10, "PT10S").messages();
        assertThat(replayed).hasSize(1);
        assertThat(key(replayed.get(0))).isEqualTo("order-1@0");
        assertThat(replayed.get(0).get("deliveryCount").intValue()).isEqualTo(1);
        ack("g", ackIds(replayed));
        assertThat(ok(get("/v1/groups/g/parked")).body().get("messages")).isEmpty();
        assertThat(group("g").get("lag").longValue()).isZero();
        assertThat(WireJson.line(ok(send("POST", "/v1/groups/g/parked/replay", null, null)).body())).isEqualTo("{\"replayed\":0}");
    }

    @Test
    void settingsCheckpointAndParkedMessagesSurviveARestart() throws Exception {
        append("order-1", 4);
        String settings = "{\"source\":{\"stream\":\"order-1\"},\"from\":\"start\",\"ordering\":\"none\",\"maxDeliveries\":7,\"ackTimeout\":\"PT12S\"}";
        createGroup("g", settings);
        Map<String, String> byKey = new HashMap<>();
        await().atMost(PATIENCE).until(() -> {
            fetch("g", "c1", 10, "PT1S").messages().forEach(m -> byKey.put(key(m), m.get("ackId").stringValue()));
            return byKey.size() == 4;
        });
        ack("g", List.of(byKey.get("order-1@0"), byKey.get("order-1@1")));
        nack("g", byKey.get("order-1@2"), "park", "PT0S");
        JsonNode before = group("g");

        server.close();
        server = StrataServer.start(config());

        JsonNode after = group("g");
        assertThat(after.get("settings")).isEqualTo(before.get("settings"));
        assertThat(after.get("settings").get("maxDeliveries").intValue()).isEqualTo(7);
        assertThat(after.get("checkpoint").stringValue()).isEqualTo(before.get("checkpoint").stringValue()).isEqualTo("3");
        assertThat(after.get("parked").longValue()).isEqualTo(1);
        assertThat(key(ok(get("/v1/groups/g/parked")).body().get("messages").get(0))).isEqualTo("order-1@2");
        assertThat(put("/v1/groups/g", settings).status()).isEqualTo(200);
        // Only the message in flight at the restart comes again: acked and parked ones do not.
        JsonNode redelivered = fetch("g", "c1", 10, "PT10S").messages();
        assertThat(redelivered).hasSize(1);
        assertThat(key(redelivered.get(0))).isEqualTo("order-1@3");
        assertThat(redelivered.get(0).get("deliveryCount").intValue()).isEqualTo(1);
    }

    @Test
    void closingTheServerAnswersAWaitingFetchWithNoMessages() throws Exception {
        createGroup("live", "{\"source\":{\"stream\":\"ticks\"}}");
        CompletableFuture<Answer> waiting = CompletableFuture.supplyAsync(() -> unchecked(() -> fetch("live", "c1", 10, "PT60S")), threads);
        await().atMost(PATIENCE).until(() -> group("live").get("consumers").intValue() == 1);

        server.close();

        // Not a connection cut off at the end of Helidon's grace period: an answer, as when the wait runs out.
        Answer answer = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.messages()).isEmpty();
        server = StrataServer.start(config());
        assertThat(group("live").get("lag").longValue()).isZero();
    }

    // ---- metrics

    @Test
    void metricsShowEachGroupsLagInFlightParkedAndConsumers() throws Exception {
        append("order-1", 5);
        createGroup("billing", "{\"source\":{\"stream\":\"order-1\"},\"from\":\"start\"}");
        createGroup("shipping", "{\"source\":{\"stream\":\"order-1\"}}");
        JsonNode message = fetch("billing", "c1", 1, "PT10S").messages().get(0);
        nack("billing", message.get("ackId").stringValue(), "park", "PT0S");
        fetch("billing", "c1", 1, "PT10S");

        String text = scrape();

        assertThat(sample(text, "strata_group_lag", "billing")).isEqualTo(4);
        assertThat(sample(text, "strata_group_in_flight", "billing")).isEqualTo(1);
        assertThat(sample(text, "strata_group_parked", "billing")).isEqualTo(1);
        assertThat(sample(text, "strata_group_consumers", "billing")).isEqualTo(1);
        assertThat(sample(text, "strata_group_lag", "shipping")).isZero();
        assertThat(text).contains("# TYPE strata_group_lag gauge");
        assertThat(send("DELETE", "/v1/groups/shipping", null, null).status()).isEqualTo(204);
        assertThat(scrape()).doesNotContain("group=\"shipping\"");
    }

    /** The value of one series in the Prometheus text; fails when it is not there. */
    private static double sample(String text, String name, String group) {
        String prefix = name + "{group=\"" + group + "\"} ";
        return text.lines().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Double.parseDouble(line.substring(prefix.length())))
                .orElseThrow(() -> new AssertionError("no " + prefix + "in\n" + text));
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    // ----

    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T unchecked(Call<T> call) {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
