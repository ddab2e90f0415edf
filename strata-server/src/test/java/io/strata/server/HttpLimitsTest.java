package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
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

    @TempDir
    Path dir;

    private StrataServer server;

    @BeforeEach
    void start() {
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE)
                .maxRequestBytes(MAX_REQUEST_BYTES).maxHeaderBytes(4096).idleTimeout(Duration.ofSeconds(1))
                .memtableEntries(1024).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Response(int status, String head, String body) {
    }

    /** Writes {@code request} and reads the answer until the server closes or the body is complete. */
    private Response exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
            socket.setSoTimeout(10_000); // a hang fails the test instead of blocking it
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading everything; the answer is still there.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (true) {
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    break; // reset after the answer
                }
                if (n < 0) {
                    break;
                }
                read.write(buffer, 0, n);
                String text = read.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    int length = contentLength(text.substring(0, end));
                    if (length >= 0 && text.length() - end - 4 >= length) {
                        break;
                    }
                }
            }
            String text = read.toString(StandardCharsets.UTF_8);
            assertThat(text).as("an HTTP answer").startsWith("HTTP/1.1 ");
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            return new Response(Integer.parseInt(text.substring(9, 12)), head, body);
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private boolean serverStillAnswers() throws IOException {
        return exchange(ascii("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).status() == 200;
    }

    @Test
    void anOversizedHeaderIsA4xx() throws IOException {
        String big = "a".repeat(8 * 1024);
        Response answer = exchange(ascii("GET /v1/info HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n"));
        assertThat(answer.status()).as(answer.head()).isBetween(400, 499);
        assertJsonError(answer);
        // Many headers that together are over the limit.
        StringBuilder many = new StringBuilder("GET /v1/info HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 200; i++) {
            many.append("X-H").append(i).append(": ").append("b".repeat(40)).append("\r\n");
        }
        answer = exchange(ascii(many.append("\r\n").toString()));
        assertThat(answer.status()).as(answer.head()).isBetween(400, 499);
        assertJsonError(answer);
        assertThat(serverStillAnswers()).isTrue();
    }

    @Test
    void anOversizedRequestLineIsA4xx() throws IOException {
        // Just over the limit: far over it, the server closes with unread bytes and the client may see a reset.
        Response answer = exchange(ascii("GET /v1/streams/" + "s".repeat(4500) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(answer.status()).as(answer.head()).isBetween(400, 499);
        assertJsonError(answer);
        assertThat(serverStillAnswers()).isTrue();
    }

    @Test
    void aBodyOverTheLimitIs413TooLargeWithTheJsonError() throws IOException {
        String body = "{\"events\":[{\"type\":\"A\",\"data\":\"" + "x".repeat(MAX_REQUEST_BYTES) + "\"}]}";
        // Declared length over the limit.
        Response declared = exchange(ascii("POST /v1/streams/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body));
        assertTooLarge(declared);
        // Chunked, so the size is only known while reading.
        String half = body.substring(0, body.length() / 2);
        String rest = body.substring(body.length() / 2);
        Response chunked = exchange(ascii("POST /v1/streams/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n"
                + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n"));
        assertTooLarge(chunked);
        assertThat(server.store().info().events()).isZero();
        assertThat(serverStillAnswers()).isTrue();
    }

    private static void assertJsonError(Response answer) {
        assertThat(answer.head().toLowerCase()).contains("content-type: application/json");
        JsonNode error = WireJson.MAPPER.readTree(answer.body()).get("error");
        assertThat(error.get("code").stringValue()).isIn("invalid_request", "too_large");
        assertThat(error.get("message").stringValue()).isNotBlank();
    }

    private static void assertTooLarge(Response answer) {
        assertThat(answer.status()).as(answer.head()).isEqualTo(413);
        assertThat(answer.head().toLowerCase()).contains("content-type: application/json");
        JsonNode error = WireJson.MAPPER.readTree(answer.body()).get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("too_large");
        assertThat(error.get("message").stringValue()).isNotBlank();
        assertThat(error.get("limit").asLong()).isEqualTo(MAX_REQUEST_BYTES);
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
