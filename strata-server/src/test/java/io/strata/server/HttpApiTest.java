package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class HttpApiTest {
    @TempDir
    Path dir;

    private StrataServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE)
                .maxEventBytes(1000).maxRequestBytes(100_000).maxEventsPerAppend(50).memtableEntries(1024).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Answer(int status, JsonNode body) {
    }

    private Answer send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.httpUrl() + path));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? null : WireJson.MAPPER.readTree(response.body());
        return new Answer(response.statusCode(), json);
    }

    private Answer post(String path, String body) throws Exception {
        return send("POST", path, "application/json", body);
    }

    private Answer get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    private static String event(String type, String data) {
        return "{\"type\":\"" + type + "\",\"data\":" + data + "}";
    }

    private Answer append(String stream, String expected, String... events) throws Exception {
        return post("/v1/streams/" + stream, "{\"expectedRevision\":" + expected + ",\"events\":[" + String.join(",", events) + "]}");
    }

    private static void assertError(Answer answer, int status, String code) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.body().get("error").get("code").stringValue()).isEqualTo(code);
        assertThat(answer.body().get("error").get("message").stringValue()).isNotBlank();
    }

    @Test
    void appendsThenReadsAStreamInTheWireFormat() throws Exception {
        Answer appended = append("order-1", "\"no_stream\"", event("OrderPlaced", "{\"sku\":\"A-1\",\"qty\":1.50}"),
                "{\"type\":\"OrderPaid\",\"data\":[1,2],\"metadata\":{\"correlationId\":\"c\"},\"validTime\":\"2026-11-01T00:00:00Z\"}");
        assertThat(appended.status()).isEqualTo(200);
        assertThat(appended.body().get("stream").stringValue()).isEqualTo("order-1");
        assertThat(appended.body().get("firstRevision").longValue()).isZero();
        assertThat(appended.body().get("lastRevision").longValue()).isEqualTo(1);
        assertThat(appended.body().get("firstPosition").isString()).isTrue();
        assertThat(appended.body().get("recordedTime").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

        Answer read = get("/v1/streams/order-1");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("lastRevision").longValue()).isEqualTo(1);
        assertThat(read.body().get("next").isNull()).isTrue();
        JsonNode first = read.body().get("events").get(0);
        assertThat(first.get("type").stringValue()).isEqualTo("OrderPlaced");
        assertThat(WireJson.line(first.get("data"))).isEqualTo("{\"sku\":\"A-1\",\"qty\":1.50}");
        assertThat(first.get("position").stringValue()).isEqualTo("0");
        assertThat(first.has("metadata")).isFalse();
        assertThat(first.has("validTime")).isFalse();
        UUID.fromString(first.get("id").stringValue());
        JsonNode second = read.body().get("events").get(1);
        assertThat(second.get("metadata").get("correlationId").stringValue()).isEqualTo("c");
        assertThat(second.get("validTime").stringValue()).isEqualTo("2026-11-01T00:00:00Z");
    }

    @Test
    void nonJsonPayloadsRoundTripAsBase64() throws Exception {
        Answer appended = post("/v1/streams/blob-1", "{\"events\":[{\"type\":\"Pic\",\"dataBase64\":\"AAEC\",\"contentType\":\"image/png\"}]}");
        assertThat(appended.status()).isEqualTo(200);
        JsonNode event = get("/v1/streams/blob-1").body().get("events").get(0);
        assertThat(event.get("dataBase64").stringValue()).isEqualTo("AAEC");
        assertThat(event.get("contentType").stringValue()).isEqualTo("image/png");
        assertThat(event.has("data")).isFalse();
    }

    @Test
    void percentEncodedStreamNamesAreDecoded() throws Exception {
        String name = "weird name/é-1";
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        assertThat(append(encoded, "\"any\"", event("E", "1")).status()).isEqualTo(200);
        Answer read = get("/v1/streams/" + encoded);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("stream").stringValue()).isEqualTo(name);
    }

    @Test
    void readsAStreamInPagesBackwardsAndAsOf() throws Exception {
        for (int i = 0; i < 5; i++) {
            append("page-1", "\"any\"", event("E", Integer.toString(i)));
        }
        Answer page1 = get("/v1/streams/page-1?limit=2");
        assertThat(page1.body().get("events")).hasSize(2);
        assertThat(page1.body().get("next").longValue()).isEqualTo(2);
        Answer page3 = get("/v1/streams/page-1?limit=2&from=4");
        assertThat(page3.body().get("events")).hasSize(1);
        assertThat(page3.body().get("next").isNull()).isTrue();

        Answer backward = get("/v1/streams/page-1?direction=backward&limit=2");
        assertThat(backward.body().get("events").get(0).get("revision").longValue()).isEqualTo(4);
        assertThat(backward.body().get("next").longValue()).isEqualTo(2);

        String firstTime = get("/v1/streams/page-1?limit=1").body().get("events").get(0).get("recordedTime").stringValue();
        Answer before = get("/v1/streams/page-1?asOf=2000-01-01T00:00:00Z");
        assertError(before, 404, "stream_not_found");
        Answer asOf = get("/v1/streams/page-1?asOf=" + firstTime);
        assertThat(asOf.status()).isEqualTo(200);
        assertThat(asOf.body().get("lastRevision").longValue()).isLessThanOrEqualTo(4);
        assertThat(asOf.body().get("events").size()).isEqualTo((int) asOf.body().get("lastRevision").longValue() + 1);
    }

    @Test
    void readsTheGlobalLogWithFiltersAndNextTokens() throws Exception {
        append("order-1", "\"any\"", event("OrderPlaced", "1"));
        append("user-1", "\"any\"", event("UserCreated", "2"));
        append("order-2", "\"any\"", event("OrderPlaced", "3"), event("OrderPaid", "4"));

        Answer all = get("/v1/all");
        assertThat(all.body().get("events")).hasSize(4);

        Answer page = get("/v1/all?limit=3");
        assertThat(page.body().get("events")).hasSize(3);
        assertThat(page.body().get("next").stringValue()).isEqualTo("3");
        Answer rest = get("/v1/all?from=" + page.body().get("next").stringValue());
        assertThat(rest.body().get("events")).hasSize(1);
        assertThat(rest.body().get("next").isNull()).isTrue();

        assertThat(get("/v1/all?type=OrderPlaced,OrderPaid").body().get("events")).hasSize(3);
        assertThat(get("/v1/all?category=user").body().get("events")).hasSize(1);
        assertThat(get("/v1/all?streamPrefix=order-2").body().get("events")).hasSize(2);
        Answer backward = get("/v1/all?direction=backward&limit=1");
        assertThat(backward.body().get("events").get(0).get("position").stringValue()).isEqualTo("3");
        assertThat(get("/v1/all?asOf=2000-01-01T00:00:00Z").body().get("events")).isEmpty();
    }

    @Test
    void anIdempotentRetryReturnsTheOriginalResultAndWritesNothing() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + id + "\",\"type\":\"E\",\"data\":{}}";
        Answer first = append("idem-1", "\"any\"", body);
        Answer retry = append("idem-1", "\"any\"", body);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(get("/v1/streams/idem-1").body().get("events")).hasSize(1);

        Answer partial = append("idem-1", "\"any\"", body, event("E", "2"));
        assertError(partial, 409, "idempotency_conflict");
    }

    @Test
    void aWrongExpectedRevisionIs409WithItsDetails() throws Exception {
        append("wer-1", "\"any\"", event("E", "1"));
        Answer exact = append("wer-1", "5", event("E", "2"));
        assertError(exact, 409, "wrong_expected_revision");
        JsonNode error = exact.body().get("error");
        assertThat(error.get("stream").stringValue()).isEqualTo("wer-1");
        assertThat(error.get("expected").longValue()).isEqualTo(5);
        assertThat(error.get("actual").longValue()).isZero();

        Answer exists = append("wer-2", "\"exists\"", event("E", "1"));
        assertError(exists, 409, "wrong_expected_revision");
        assertThat(exists.body().get("error").get("expected").stringValue()).isEqualTo("exists");
        assertThat(exists.body().get("error").get("actual").stringValue()).isEqualTo("no_stream");
    }

    @Test
    void badRequestsAre400InvalidRequest() throws Exception {
        List<Answer> answers = new ArrayList<>();
        answers.add(post("/v1/streams/s-1", "{not json"));
        answers.add(post("/v1/streams/s-1", "[]"));
        answers.add(post("/v1/streams/s-1", "{\"events\":[]}"));
        answers.add(post("/v1/streams/s-1", "{\"events\":[{\"data\":1}]}"));
        answers.add(post("/v1/streams/s-1", "{\"events\":[{\"type\":5,\"data\":1}]}"));
        answers.add(post("/v1/streams/s-1", "{\"events\":[{\"type\":\"E\",\"data\":1,\"id\":\"nope\"}]}"));
        answers.add(post("/v1/streams/s-1", "{\"expectedRevision\":\"sometimes\",\"events\":[{\"type\":\"E\",\"data\":1}]}"));
        answers.add(post("/v1/streams/s-1", "{\"expectedRevision\":-1,\"events\":[{\"type\":\"E\",\"data\":1}]}"));
        answers.add(post("/v1/streams/s-1", "{\"expectedRevison\":3,\"events\":[{\"type\":\"E\",\"data\":1}]}"));
        answers.add(post("/v1/streams/s-1", "{\"events\":[{\"type\":\"E\",\"data\":1,\"validTime\":\"yesterday\"}]}"));
        answers.add(post("/v1/streams/%24reserved", "{\"events\":[{\"type\":\"E\",\"data\":1}]}"));
        answers.add(post("/v1/streams/s-1", "{\"events\":[{\"type\":\"\",\"data\":1}]}"));
        answers.add(get("/v1/streams/s-1?limit=0"));
        answers.add(get("/v1/streams/s-1?limit=1001"));
        answers.add(get("/v1/streams/s-1?from=minus"));
        answers.add(get("/v1/streams/s-1?direction=sideways"));
        answers.add(get("/v1/streams/s-1?asOf=noon"));
        answers.add(get("/v1/all?from=abc"));
        answers.add(get("/v1/all?type=A,,B"));
        for (Answer answer : answers) {
            assertError(answer, 400, "invalid_request");
        }
        assertThat(get("/v1/all").body().get("events")).isEmpty();
    }

    @Test
    void unknownStreamsPathsAndMethodsAre404And405() throws Exception {
        Answer missing = get("/v1/streams/nobody-1");
        assertError(missing, 404, "stream_not_found");
        assertThat(missing.body().get("error").get("stream").stringValue()).isEqualTo("nobody-1");
        assertError(get("/v2/nothing"), 404, "not_found");
        assertError(get("/"), 404, "not_found");
        assertError(send("DELETE", "/v1/streams/s-1", null, null), 405, "method_not_allowed");
        assertError(send("POST", "/v1/all", "application/json", "{}"), 405, "method_not_allowed");
        assertError(send("PUT", "/v1/info", "application/json", "{}"), 405, "method_not_allowed");
    }

    @Test
    void oversizedEventsBodiesAndBatchesAre413WithTheLimit() throws Exception {
        Answer bigEvent = append("big-1", "\"any\"", event("E", "\"" + "x".repeat(2000) + "\""));
        assertError(bigEvent, 413, "too_large");
        assertThat(bigEvent.body().get("error").get("limit").longValue()).isEqualTo(1000);

        Answer bigBody = append("big-1", "\"any\"", event("E", "\"" + "x".repeat(200_000) + "\""));
        assertError(bigBody, 413, "too_large");
        assertThat(bigBody.body().get("error").get("limit").longValue()).isEqualTo(100_000);

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(event("E", "1"));
        }
        Answer manyEvents = append("big-1", "\"any\"", many.toArray(String[]::new));
        assertError(manyEvents, 413, "too_large");
        assertThat(manyEvents.body().get("error").get("limit").longValue()).isEqualTo(50);
        assertError(get("/v1/streams/big-1"), 404, "stream_not_found");
    }

    @Test
    void anUnsupportedContentTypeIs415() throws Exception {
        Answer answer = send("POST", "/v1/streams/ct-1", "text/plain", "{\"events\":[{\"type\":\"E\",\"data\":1}]}");
        assertError(answer, 415, "unsupported_media_type");
    }

    @Test
    void infoAndHealthAnswer() throws Exception {
        append("info-1", "\"any\"", event("E", "1"));
        Answer info = get("/v1/info");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.body().get("engine").stringValue()).isEqualTo("embedded");
        assertThat(info.body().get("durability").stringValue()).isEqualTo("none");
        assertThat(info.body().get("headPosition").stringValue()).isEqualTo("0");
        assertThat(info.body().get("events").longValue()).isEqualTo(1);
        assertThat(info.body().get("streams").longValue()).isEqualTo(1);
        assertThat(info.body().has("dedupWindow")).isTrue();
        assertThat(get("/health/live").status()).isEqualTo(200);
        assertThat(get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void dataSurvivesAServerRestart() throws Exception {
        append("restart-1", "\"any\"", event("E", "1"));
        server.close();
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE).memtableEntries(1024).build());
        assertThat(get("/v1/streams/restart-1").body().get("events")).hasSize(1);
    }

    // ---- SSE

    private BufferedReader subscribe(String path, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** Reads SSE messages (blank-line separated, comments skipped) until {@code count} are read. */
    private static List<List<String>> messages(BufferedReader reader, int count) throws Exception {
        List<List<String>> messages = new ArrayList<>();
        List<String> current = new ArrayList<>();
        String line;
        while (messages.size() < count && (line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (!current.isEmpty()) {
                    messages.add(current);
                    current = new ArrayList<>();
                }
            } else if (!line.startsWith(":")) {
                current.add(line);
            }
        }
        return messages;
    }

    @Test
    void aStreamSubscriptionSendsHistoryThenCaughtUpThenLiveEvents() throws Exception {
        append("sub-1", "\"any\"", event("E", "0"), event("E", "1"));
        try (BufferedReader reader = subscribe("/v1/subscribe/streams/sub-1?from=start", null)) {
            List<List<String>> history = messages(reader, 3);
            assertThat(history.get(0)).contains("id:0", "event:event");
            assertThat(history.get(1)).contains("id:1", "event:event");
            assertThat(history.get(2)).contains("event:caught-up", "data:{}");
            append("sub-1", "\"any\"", event("Live", "2"));
            List<String> live = messages(reader, 1).get(0);
            assertThat(live).contains("id:2", "event:event");
            String data = live.stream().filter(l -> l.startsWith("data:")).findFirst().orElseThrow().substring(5);
            assertThat(WireJson.MAPPER.readTree(data).get("type").stringValue()).isEqualTo("Live");
        }
    }

    @Test
    void lastEventIdResumesAfterThatEventAndWinsOverFrom() throws Exception {
        append("resume-1", "\"any\"", event("E", "0"), event("E", "1"), event("E", "2"));
        try (BufferedReader reader = subscribe("/v1/subscribe/streams/resume-1?from=start", "1")) {
            List<List<String>> messages = messages(reader, 2);
            assertThat(messages.get(0)).contains("id:2");
            assertThat(messages.get(1)).contains("event:caught-up");
        }
        try (BufferedReader reader = subscribe("/v1/subscribe/all?from=start&category=resume", "0")) {
            List<List<String>> messages = messages(reader, 3);
            assertThat(messages.get(0)).contains("id:1");
            assertThat(messages.get(1)).contains("id:2");
            assertThat(messages.get(2)).contains("event:caught-up");
        }
    }

    @Test
    void anAllSubscriptionFiltersAndDefaultsToLiveOnly() throws Exception {
        append("old-1", "\"any\"", event("Old", "0"));
        try (BufferedReader reader = subscribe("/v1/subscribe/all?type=Wanted", null)) {
            assertThat(messages(reader, 1).get(0)).contains("event:caught-up");
            append("new-1", "\"any\"", event("Unwanted", "1"), event("Wanted", "2"));
            assertThat(messages(reader, 1).get(0)).contains("id:2", "event:event");
        }
    }

    @Test
    void aBadSubscriptionRequestIsAJsonError() throws Exception {
        assertError(get("/v1/subscribe/streams/x-1?from=nope"), 400, "invalid_request");
        assertError(send("POST", "/v1/subscribe/all", "application/json", "{}"), 405, "method_not_allowed");
    }

    // ---- CloudEvents

    private HttpResponse<String> exchange(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.httpUrl() + path));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Answer postCloudEvents(String path, String contentType, Map<String, String> headers, String body) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", contentType);
        HttpResponse<String> response = exchange("POST", path, all, body);
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : WireJson.MAPPER.readTree(response.body()));
    }

    private static String cloudEvent(String id, String extra) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/shop\",\"type\":\"OrderPlaced\"" + extra + "}";
    }

    private static final String CE_BATCH = "application/cloudevents-batch+json";
    private static final String CE_ONE = "application/cloudevents+json";

    @Test
    void aCloudEventsBatchAppendsWithTheMappingOfTheSpec() throws Exception {
        String id1 = UUID.randomUUID().toString();
        String id2 = UUID.randomUUID().toString();
        String id3 = UUID.randomUUID().toString();
        String body = "[" + cloudEvent(id1, ",\"subject\":\"order-42\",\"time\":\"2026-11-01T00:00:00Z\",\"traceparent\":\"00-abc\",\"priority\":3,\"data\":{\"sku\":\"A-1\"}")
                + "," + cloudEvent(id2, ",\"datacontenttype\":\"text/plain\",\"data\":\"héllo\"")
                + "," + cloudEvent(id3, ",\"datacontenttype\":\"image/png\",\"data_base64\":\"AAEC\"") + "]";
        Answer appended = postCloudEvents("/v1/streams/ce-1", CE_BATCH, Map.of(), body);
        assertThat(appended.status()).isEqualTo(200);
        assertThat(appended.body().get("firstRevision").longValue()).isEqualTo(0);
        assertThat(appended.body().get("lastRevision").longValue()).isEqualTo(2);

        JsonNode events = get("/v1/streams/ce-1").body().get("events");
        JsonNode first = events.get(0);
        assertThat(first.get("id").stringValue()).isEqualTo(id1);
        assertThat(first.get("type").stringValue()).isEqualTo("OrderPlaced");
        assertThat(first.get("data").get("sku").stringValue()).isEqualTo("A-1");
        assertThat(first.get("validTime").stringValue()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(first.get("metadata").get("source").stringValue()).isEqualTo("/shop");
        assertThat(first.get("metadata").get("subject").stringValue()).isEqualTo("order-42");
        assertThat(first.get("metadata").get("traceparent").stringValue()).isEqualTo("00-abc");
        assertThat(first.get("metadata").get("priority").intValue()).isEqualTo(3);
        assertThat(first.get("metadata").has("specversion")).isFalse();
        JsonNode second = events.get(1);
        assertThat(second.get("contentType").stringValue()).isEqualTo("text/plain");
        assertThat(new String(java.util.Base64.getDecoder().decode(second.get("dataBase64").stringValue()), StandardCharsets.UTF_8))
                .isEqualTo("héllo");
        JsonNode third = events.get(2);
        assertThat(third.get("contentType").stringValue()).isEqualTo("image/png");
        assertThat(third.get("dataBase64").stringValue()).isEqualTo("AAEC");

        // The same batch again is an idempotent retry.
        Answer retry = postCloudEvents("/v1/streams/ce-1", CE_BATCH, Map.of(), body);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body().get("lastRevision").longValue()).isEqualTo(2);
        assertThat(get("/v1/streams/ce-1").body().get("events").size()).isEqualTo(3);
    }

    @Test
    void aStreamReadsBackAsCloudEvents() throws Exception {
        String id = UUID.randomUUID().toString();
        postCloudEvents("/v1/streams/ce-2", CE_ONE, Map.of(),
                cloudEvent(id, ",\"subject\":\"s\",\"time\":\"2026-11-01T00:00:00Z\",\"traceparent\":\"00-abc\",\"data\":{\"sku\":\"A-1\"}"));
        postCloudEvents("/v1/streams/ce-2", CE_ONE, Map.of(),
                cloudEvent(UUID.randomUUID().toString(), ",\"datacontenttype\":\"text/plain\",\"data\":\"hello\""));
        postCloudEvents("/v1/streams/ce-2", CE_ONE, Map.of(),
                cloudEvent(UUID.randomUUID().toString(), ",\"datacontenttype\":\"image/png\",\"data_base64\":\"AAEC\""));
        append("ce-2", "\"any\"", "{\"type\":\"Native\",\"data\":[1],\"metadata\":{\"correlationId\":\"c\"}}");

        HttpResponse<String> response = exchange("GET", "/v1/streams/ce-2?limit=10",
                Map.of("Accept", "application/cloudevents-batch+json"), null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/cloudevents-batch+json");
        assertThat(response.headers().firstValue("Strata-Last-Revision")).hasValue("3");
        JsonNode array = WireJson.MAPPER.readTree(response.body());
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isEqualTo(4);

        JsonNode first = array.get(0);
        assertThat(first.get("specversion").stringValue()).isEqualTo("1.0");
        assertThat(first.get("id").stringValue()).isEqualTo(id);
        assertThat(first.get("source").stringValue()).isEqualTo("/shop");
        assertThat(first.get("type").stringValue()).isEqualTo("OrderPlaced");
        assertThat(first.get("subject").stringValue()).isEqualTo("s");
        assertThat(first.get("time").stringValue()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(first.get("datacontenttype").stringValue()).isEqualTo("application/json");
        assertThat(first.get("data").get("sku").stringValue()).isEqualTo("A-1");
        assertThat(first.get("traceparent").stringValue()).isEqualTo("00-abc");
        assertThat(first.get("stratastream").stringValue()).isEqualTo("ce-2");
        assertThat(first.get("stratarevision").intValue()).isEqualTo(0);
        assertThat(first.get("strataposition").stringValue()).isEqualTo("0");

        assertThat(array.get(1).get("data").stringValue()).isEqualTo("hello");
        assertThat(array.get(1).get("datacontenttype").stringValue()).isEqualTo("text/plain");
        assertThat(array.get(2).get("data_base64").stringValue()).isEqualTo("AAEC");
        assertThat(array.get(2).has("data")).isFalse();

        JsonNode last = array.get(3);
        assertThat(last.get("source").stringValue()).isEqualTo("/strata/streams/ce-2");
        assertThat(last.has("time")).isFalse();
        assertThat(last.get("data").get(0).intValue()).isEqualTo(1);
        assertThat(last.get("stratarevision").intValue()).isEqualTo(3);
        assertThat(WireJson.MAPPER.readTree(last.get("stratametadata").stringValue()).get("correlationId").stringValue()).isEqualTo("c");

        // Paging: the next page's from travels as a header.
        HttpResponse<String> page = exchange("GET", "/v1/streams/ce-2?limit=2",
                Map.of("Accept", "application/json, application/cloudevents-batch+json;q=0.9"), null);
        assertThat(WireJson.MAPPER.readTree(page.body()).size()).isEqualTo(2);
        assertThat(page.headers().firstValue("Strata-Next")).hasValue("2");

        // Without the Accept header, the JSON answer is unchanged.
        assertThat(get("/v1/streams/ce-2").body().get("events").size()).isEqualTo(4);
    }

    @Test
    void aCloudEventsAppendTakesItsExpectedRevisionFromTheQueryOrTheHeader() throws Exception {
        String path = "/v1/streams/ce-3";
        Answer first = postCloudEvents(path, CE_ONE, Map.of("Strata-Expected-Revision", "no_stream"),
                cloudEvent(UUID.randomUUID().toString(), ",\"data\":1"));
        assertThat(first.status()).isEqualTo(200);

        Answer again = postCloudEvents(path, CE_ONE, Map.of("Strata-Expected-Revision", "no_stream"),
                cloudEvent(UUID.randomUUID().toString(), ",\"data\":2"));
        assertError(again, 409, "wrong_expected_revision");
        assertThat(again.body().get("error").get("expected").stringValue()).isEqualTo("no_stream");
        assertThat(again.body().get("error").get("actual").longValue()).isEqualTo(0);

        // The query wins over the header.
        Answer queryWins = postCloudEvents(path + "?expectedRevision=0", CE_ONE, Map.of("Strata-Expected-Revision", "no_stream"),
                cloudEvent(UUID.randomUUID().toString(), ",\"data\":3"));
        assertThat(queryWins.status()).isEqualTo(200);
        assertThat(queryWins.body().get("firstRevision").longValue()).isEqualTo(1);

        Answer stale = postCloudEvents(path + "?expectedRevision=0", CE_BATCH, Map.of(),
                "[" + cloudEvent(UUID.randomUUID().toString(), ",\"data\":4") + "]");
        assertError(stale, 409, "wrong_expected_revision");
        assertThat(stale.body().get("error").get("expected").longValue()).isEqualTo(0);
        assertThat(stale.body().get("error").get("actual").longValue()).isEqualTo(1);

        assertError(postCloudEvents(path + "?expectedRevision=banana", CE_ONE, Map.of(),
                cloudEvent(UUID.randomUUID().toString(), ",\"data\":5")), 400, "invalid_request");
        assertError(postCloudEvents(path, CE_ONE, Map.of("Strata-Expected-Revision", "-1"),
                cloudEvent(UUID.randomUUID().toString(), ",\"data\":5")), 400, "invalid_request");
        Answer exists = postCloudEvents(path, CE_ONE, Map.of("Strata-Expected-Revision", "exists"),
                cloudEvent(UUID.randomUUID().toString(), ",\"data\":6"));
        assertThat(exists.status()).isEqualTo(200);
        assertThat(get("/v1/streams/ce-3").body().get("lastRevision").longValue()).isEqualTo(2);
    }

    @Test
    void badCloudEventsAre400AndWriteNothing() throws Exception {
        String good = cloudEvent(UUID.randomUUID().toString(), ",\"data\":1");
        String[] badBatches = {
            "{}",
            "[]",
            "[1]",
            "[" + good + "," + cloudEvent("not-a-uuid", ",\"data\":1") + "]",
            "[" + good + "," + cloudEvent(UUID.randomUUID().toString(), "").replace("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), "").replace(",\"specversion\":\"1.0\"", "").replace("\"specversion\":\"1.0\",", "") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), "").replace("\"source\":\"/shop\",", "") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), "").replace("\"type\":\"OrderPlaced\"", "\"type\":7") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), ",\"data\":1,\"data_base64\":\"AAEC\"") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), ",\"data_base64\":\"***\"") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), ",\"datacontenttype\":\"text/plain\",\"data\":{\"a\":1}") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), ",\"time\":\"yesterday\",\"data\":1") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), ",\"Bad-Name\":\"x\",\"data\":1") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), ",\"nested\":{\"a\":1},\"data\":1") + "]",
            "[" + cloudEvent(UUID.randomUUID().toString(), ",\"data\":1") + "",
        };
        for (String body : badBatches) {
            Answer answer = postCloudEvents("/v1/streams/ce-bad", CE_BATCH, Map.of(), body);
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertError(answer, 400, "invalid_request");
        }
        assertError(postCloudEvents("/v1/streams/ce-bad", CE_ONE, Map.of(), "[" + good + "]"), 400, "invalid_request");
        assertError(postCloudEvents("/v1/streams/ce-bad", CE_ONE, Map.of(), cloudEvent("42", ",\"data\":1")), 400, "invalid_request");
        assertError(get("/v1/streams/ce-bad"), 404, "stream_not_found");
    }

    // ---- metrics

    @Test
    void metricsAreServedInThePrometheusTextFormat() throws Exception {
        append("metrics-1", "\"any\"", event("E", "{\"a\":1}"), event("E", "2"));
        HttpResponse<String> response = exchange("GET", "/metrics", Map.of(), null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        String text = response.body();
        assertThat(text).contains("strata_append_seconds_count{outcome=\"ok\"} 1");
        assertThat(text).contains("strata_append_seconds_bucket{");
        assertThat(text).contains("strata_events_appended_total 2");
        assertThat(text).contains("strata_appended_bytes_total 8");
        assertThat(text).contains("strata_events_stored 2");
        assertThat(text).contains("strata_subscriptions_open 0");
        assertError(send("POST", "/metrics", "application/json", "{}"), 405, "method_not_allowed");

        try (BufferedReader reader = subscribe("/v1/subscribe/streams/metrics-1?from=start", null)) {
            messages(reader, 3); // two events and caught-up: the session is registered
            assertThat(exchange("GET", "/metrics", Map.of(), null).body()).contains("strata_subscriptions_open 1");
        }
    }
}
