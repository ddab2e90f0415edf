package io.strata.server;

import static io.strata.server.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.core.Durability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an SSE subscription does when nothing happens (keep-alive comments) and when its client stops
 * reading (its bounded buffer overflows: the stream is closed, nobody else is affected).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SseEndpointTest {
    private static final Duration KEEP_ALIVE = Duration.ofMillis(200);
    private static final Pattern SUBSCRIPTIONS_OPEN = Pattern.compile("(?m)^strata_subscriptions_open (\\S+)$");

    @TempDir
    Path dir;

    private StrataServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private BufferedReader subscribe(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** Reads lines until one equals {@code wanted}; fails if the stream ends first. */
    private static void readUntil(BufferedReader reader, String wanted) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.equals(wanted)) {
                return;
            }
        }
        throw new AssertionError("the stream ended before '" + wanted + "'");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    private void append(String stream, String data) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.httpUrl() + "/v1/streams/" + stream))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[{\"type\":\"E\",\"data\":\"" + data + "\"}]}"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private int subscriptionsOpen() throws Exception {
        Matcher m = SUBSCRIPTIONS_OPEN.matcher(get("/metrics"));
        assertThat(m.find()).isTrue();
        return (int) Double.parseDouble(m.group(1));
    }

    @Test
    void anIdleSubscriptionGetsAKeepAliveCommentWithinTheInterval() throws Exception {
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE)
                .sseKeepAlive(KEEP_ALIVE).build());
        try (BufferedReader reader = subscribe("/v1/subscribe/all")) {
            readUntil(reader, "event:caught-up");
            readUntil(reader, ""); // the end of that message: from here on nothing happens
            List<Duration> silences = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long silentSince = System.nanoTime();
                assertThat(reader.readLine()).isEqualTo(": keep-alive");
                silences.add(Duration.ofNanos(System.nanoTime() - silentSince));
                assertThat(reader.readLine()).as("the blank line that ends a comment's message").isEmpty();
            }
            // The shortest, because a busy machine (2 cores, shared) only ever makes a silence look longer.
            assertThat(Collections.min(silences)).as("silences before keep-alives: %s", silences)
                    .isLessThan(KEEP_ALIVE.multipliedBy(2));
        }
    }

    @Test
    void aClientThatStopsReadingLosesItsStreamAndNobodyElseNotices() throws Exception {
        int bufferEvents = 32;
        int events = 400;
        String data = "x".repeat(64 * 1024); // 400 × 64 KiB = 25 MiB: far more than the socket buffers (≤ 4 MiB each here)
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE)
                .sseBufferEvents(bufferEvents).sseKeepAlive(KEEP_ALIVE).memtableEntries(1024).build());

        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096); // before connecting, so the window stays small
            stuck.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
            stuck.getOutputStream().write(ascii("GET /v1/subscribe/all HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"));
            stuck.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> subscriptionsOpen() == 1);

            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            BufferedReader reader = subscribe("/v1/subscribe/all");
            Thread reading = Thread.ofPlatform().name("reading-subscriber").start(() -> collectIds(reader, seen));
            await().atMost(Duration.ofSeconds(30)).until(() -> subscriptionsOpen() == 2);

            for (int i = 0; i < events; i++) {
                append("big-" + i % 5, data);
                // In step with the reading subscriber, so that however busy the machine, only the stuck one
                // can fall behind by a whole buffer.
                assertThat(seen.poll(30, TimeUnit.SECONDS)).as("the reading subscriber's event %d", i).isEqualTo(Integer.toString(i));
            }

            // The stuck client's buffer overflowed: its stream is closed, the reading one stays.
            await().atMost(Duration.ofSeconds(60)).until(() -> subscriptionsOpen() == 1);
            assertThat(RawHttp.stillAnswers(server.httpPort())).isTrue();
            assertThat(get("/v1/info")).contains("\"events\":" + events);
            append("after", "small");
            assertThat(seen.poll(30, TimeUnit.SECONDS)).as("the reading subscriber, after the overflow").isEqualTo(Integer.toString(events));
            assertThat(seen).as("nothing twice").isEmpty();
            assertThat(subscriptionsOpen()).as("the reading subscriber is still open").isEqualTo(1);
            assertThat(endOfStream(stuck)).as("the stuck client finds its connection closed once it reads").isTrue();

            reader.close();
            reading.join(TimeUnit.SECONDS.toMillis(30));
        }
        // A client that leaves is noticed at the latest by the next keep-alive write.
        await().atMost(Duration.ofSeconds(30)).until(() -> subscriptionsOpen() == 0);
    }

    /** Collects the ids of the events a subscriber reads, until its stream ends. */
    private static void collectIds(BufferedReader reader, BlockingQueue<String> ids) {
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("id:")) {
                    ids.add(line.substring(3));
                }
            }
        } catch (IOException e) {
            // closed by the test
        }
    }

    /** Reads everything the server had sent; true when the connection then ends (EOF or reset). */
    private static boolean endOfStream(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }
}
