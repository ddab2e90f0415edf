package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.strata.core.Durability;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the HTTP JSON decoding and the append path through the real handlers of a running server.
 *
 * <p>Under plain JUnit (CI) {@link #append} runs once per seed in
 * {@code src/test/resources/io/strata/server/HttpFuzzTestInputs/append/}; with {@code JAZZER_FUZZ=1}
 * Jazzer generates inputs (see strata-server/README.md).
 *
 * <p>An input is framed so that seeds stay readable: byte 0 picks the content type (mod 4: JSON,
 * CloudEvents batch, CloudEvents single, something else), then a line with the stream name, then a line
 * with the query string (both sent percent-encoded byte by byte, keeping {@code & =} as separators),
 * and the rest is the body. Every input is POSTed as an append, and its query is also sent to the
 * stream read and to {@code $all}. The checks: never a 5xx, the server still answers, and a non-2xx
 * append wrote nothing.
 */
class HttpFuzzTest {
    private static final String[] CONTENT_TYPES =
            {"application/json", CloudEvents.BATCH, CloudEvents.SINGLE, "text/plain; charset=utf-8"};

    private static Path dir;
    private static StrataServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("strata-fuzz");
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE)
                .maxEventBytes(4096).maxRequestBytes(64 * 1024).maxEventsPerAppend(100).memtableEntries(4096).build());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void append(byte[] input) throws Exception {
        // Jazzer's SSRF detector would flag the test's own connections to the server under test.
        try (var allowed = BugDetectors.allowNetworkConnections(
                (host, port) -> port == server.httpPort() && (host.equals("127.0.0.1") || host.equals("localhost")))) {
            check(input);
        }
    }

    /** Sends {@code input} as described above, checks the answers, and returns the append's status. */
    private static int check(byte[] input) throws Exception {
        if (input.length == 0) {
            return 0;
        }
        String contentType = CONTENT_TYPES[(input[0] & 0xff) % CONTENT_TYPES.length];
        int nameEnd = indexOf(input, 1);
        int queryEnd = indexOf(input, nameEnd + 1);
        byte[] name = Arrays.copyOfRange(input, 1, nameEnd);
        byte[] query = Arrays.copyOfRange(input, Math.min(nameEnd + 1, input.length), queryEnd);
        byte[] body = Arrays.copyOfRange(input, Math.min(queryEnd + 1, input.length), input.length);
        String path = "/v1/streams/" + (name.length == 0 ? "fuzz" : encode(name, false));
        String queryString = query.length == 0 ? "" : "?" + encode(query, true);

        long before = server.store().info().events();
        // A request line over the limit is answered 414 and the connection closed at once; a client still
        // sending its body may then see a reset instead of the answer. Allowed, as long as nothing was written.
        boolean oversizedLine = ("POST " + path + queryString + " HTTP/1.1").length() > server.config().maxHeaderBytes();
        HttpResponse<String> answer;
        try {
            answer = send(HttpRequest.newBuilder(URI.create(server.httpUrl() + path + queryString))
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        } catch (IOException e) {
            if (!oversizedLine) {
                throw e;
            }
            assertThat(server.store().info().events()).isEqualTo(before);
            assertThat(send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/health/live")).GET()).statusCode()).isEqualTo(200);
            return 0;
        }
        assertNotServerError(answer, input);
        if (answer.statusCode() / 100 != 2) {
            assertThat(server.store().info().events())
                    .as("a rejected append (%d %s) wrote nothing", answer.statusCode(), answer.body())
                    .isEqualTo(before);
            assertErrorBody(answer);
        }
        // The same query parameters on the reads.
        for (String read : oversizedLine ? new String[0] : new String[] {path, "/v1/all"}) {
            HttpResponse<String> readAnswer = send(HttpRequest.newBuilder(URI.create(server.httpUrl() + read + queryString)).GET());
            assertNotServerError(readAnswer, input);
            assertErrorBody(readAnswer);
        }
        // Still alive.
        assertThat(send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/health/live")).GET()).statusCode()).isEqualTo(200);
        return answer.statusCode();
    }

    /** The framing reaches the handlers: the valid seeds append. */
    @Test
    void theValidSeedsAppend() throws Exception {
        Path seeds = Path.of("src/test/resources/io/strata/server/HttpFuzzTestInputs/append");
        for (String seed : new String[] {"valid_append", "valid_cloudevents_batch", "valid_cloudevents_single"}) {
            assertThat(check(Files.readAllBytes(seeds.resolve(seed)))).as(seed).isEqualTo(200);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertNotServerError(HttpResponse<String> answer, byte[] input) {
        assertThat(answer.statusCode())
                .as("%s %s answered %s for input %s", answer.request().method(), answer.request().uri(), answer.body(),
                        new String(input, StandardCharsets.ISO_8859_1))
                .isLessThan(500);
    }

    /** Every non-2xx answer has the JSON error body of the spec. */
    private static void assertErrorBody(HttpResponse<String> answer) {
        if (answer.statusCode() / 100 != 2) {
            assertThat(WireJson.MAPPER.readTree(answer.body()).path("error").path("code").isString())
                    .as("error body of %d %s %s", answer.statusCode(), answer.request().uri(), answer.body()).isTrue();
        }
    }

    private static int indexOf(byte[] input, int from) {
        for (int i = from; i < input.length; i++) {
            if (input[i] == '\n') {
                return i;
            }
        }
        return input.length;
    }

    /** Percent-encodes every byte but unreserved ones (and, in a query, {@code &} and {@code =}). */
    private static String encode(byte[] bytes, boolean query) {
        StringBuilder out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (query && (c == '&' || c == '='))) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return out.toString();
    }
}
