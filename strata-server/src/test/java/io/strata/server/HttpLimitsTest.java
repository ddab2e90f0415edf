package io.strata.server;

import static io.strata.server.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import io.strata.server.RawHttp.Response;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Limits that keep a slow or hostile client from exhausting the server, checked over raw sockets. */
class HttpLimitsTest {
    private static final int MAX_REQUEST_BYTES = 1000;
    private static final int HEADER_LIMIT = 4096;

    @TempDir
    Path dir;

    private StrataServer server;

    @BeforeEach
    void start() {
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE)
                .maxRequestBytes(MAX_REQUEST_BYTES).maxHeaderBytes(HEADER_LIMIT).idleTimeout(Duration.ofSeconds(1))
                .memtableEntries(1024).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Response exchange(byte[] request) throws IOException {
        return RawHttp.exchange(server.httpPort(), request);
    }

    private boolean serverStillAnswers() throws IOException {
        return RawHttp.stillAnswers(server.httpPort());
    }

    @Test
    void anOversizedHeaderIsA4xx() throws IOException {
        Response answer = exchange(RawHttp.withOneBigHeader("/v1/info", 8 * 1024));
        assertThat(answer.status()).as(answer.head()).isBetween(400, 499);
        assertJsonError(answer);
        // Many headers that together are over the limit.
        answer = exchange(RawHttp.withManyHeaders("/v1/info", 200));
        assertThat(answer.status()).as(answer.head()).isBetween(400, 499);
        assertJsonError(answer);
        assertThat(serverStillAnswers()).isTrue();
    }

    @Test
    void anOversizedHeaderBlockIs431TooLarge() throws IOException {
        assertTooLarge(exchange(RawHttp.withOneBigHeader("/v1/info", 8 * 1024)), 431, HEADER_LIMIT);
        assertTooLarge(exchange(RawHttp.withManyHeaders("/v1/info", 200)), 431, HEADER_LIMIT);
        assertThat(serverStillAnswers()).isTrue();
    }

    @Test
    void aMalformedHeaderIs400InvalidRequest() throws IOException {
        Response answer = exchange(ascii("GET /v1/info HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"));
        assertThat(answer.status()).as(answer.head()).isEqualTo(400);
        assertThat(errorOf(answer).get("code").stringValue()).isEqualTo("invalid_request");
        assertThat(serverStillAnswers()).isTrue();
    }

    @Test
    void anOversizedRequestLineIs414TooLarge() throws IOException {
        // Just over the limit: far over it, the server closes with unread bytes and the client may see a reset.
        Response answer = exchange(ascii("GET /v1/streams/" + "s".repeat(4500) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertTooLarge(answer, 414, HEADER_LIMIT);
        assertThat(serverStillAnswers()).isTrue();
    }

    @Test
    void aBodyOverTheLimitIs413TooLargeWithTheJsonError() throws IOException {
        String body = "{\"events\":[{\"type\":\"A\",\"data\":\"" + "x".repeat(MAX_REQUEST_BYTES) + "\"}]}";
        // Declared length over the limit.
        Response declared = exchange(ascii("POST /v1/streams/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body));
        assertTooLarge(declared, 413, MAX_REQUEST_BYTES);
        // Chunked, so the size is only known while reading.
        String half = body.substring(0, body.length() / 2);
        String rest = body.substring(body.length() / 2);
        Response chunked = exchange(ascii("POST /v1/streams/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n"
                + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n"));
        assertTooLarge(chunked, 413, MAX_REQUEST_BYTES);
        assertThat(server.store().info().events()).isZero();
        assertThat(serverStillAnswers()).isTrue();
    }

    /** The {@code error} object of a JSON error answer. */
    static JsonNode errorOf(Response answer) {
        assertThat(answer.head().toLowerCase()).contains("content-type: application/json");
        JsonNode error = WireJson.MAPPER.readTree(answer.body()).get("error");
        assertThat(error.get("message").stringValue()).isNotBlank();
        return error;
    }

    private static void assertJsonError(Response answer) {
        assertThat(errorOf(answer).get("code").stringValue()).isIn("invalid_request", "too_large");
    }

    /** A {@code too_large} answer with {@code status} whose message and {@code limit} name the limit. */
    static void assertTooLarge(Response answer, int status, long limit) {
        assertThat(answer.status()).as(answer.head()).isEqualTo(status);
        JsonNode error = errorOf(answer);
        assertThat(error.get("code").stringValue()).isEqualTo("too_large");
        assertThat(error.get("message").stringValue()).contains(Long.toString(limit));
        assertThat(error.get("limit").asLong()).isEqualTo(limit);
    }

    @Test
    void aClientThatStallsMidRequestIsDisconnected() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(ascii("GET /v1/in"));
            socket.getOutputStream().flush();
            long started = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept a stalled connection open for 15 s", e);
            } catch (IOException e) {
                read = -1; // reset: closed too
            }
            assertThat(read).as("the server closed the connection").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
        assertThat(serverStillAnswers()).isTrue();
    }
}
