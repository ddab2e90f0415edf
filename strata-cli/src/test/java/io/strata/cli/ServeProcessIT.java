package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a user runs it: {@code strata serve} from the packaged distribution, appended to
 * over HTTP by several clients, killed with SIGKILL mid-traffic, restarted on the same folder; every
 * append it acknowledged must be readable afterwards, at the position it was acknowledged at.
 */
class ServeProcessIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[^ ]+) \\(HTTP\\) and [^ ]+:\\d+ \\(gRPC\\)");
    private static final Pattern POSITION = Pattern.compile("\"firstPosition\":\"(\\d+)\"");
    private static final int CYCLES = 3;
    private static final int CLIENTS = 4;

    @TempDir
    Path directory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyAcknowledgedAppendSurvivesASigkillOfTheServer() throws Exception {
        long seed = Long.getLong("strata.seed", new Random().nextLong());
        System.out.println("ServeProcessIT: seed " + seed + " (rerun with -Dstrata.seed=" + seed + ")");
        Random random = new Random(seed);
        Map<UUID, Long> acknowledged = new ConcurrentHashMap<>(); // event id → position
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Process server = startServer();
            String url = awaitUrl(server);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(Thread.ofPlatform().start(() -> appendUntilStopped(url, "cycle" + client, running, acknowledged)));
            }
            // Kill mid-traffic: once this cycle has had a few answers (a loaded machine may take a
            // while for the first), then after a random moment more.
            int before = acknowledged.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.size() < before + 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(random.nextInt(700));
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL on Linux
            running.set(false);
            for (Thread t : clients) {
                t.join();
            }
            assertThat(acknowledged.size()).as("seed %d, cycle %d: appends acknowledged in this cycle", seed, cycle)
                    .isGreaterThanOrEqualTo(before + 5);
        }
        System.out.println("ServeProcessIT: " + acknowledged.size() + " appends acknowledged over " + CYCLES + " SIGKILLed servers");
        Process server = startServer();
        try {
            String url = awaitUrl(server);
            for (Map.Entry<UUID, Long> ack : acknowledged.entrySet()) {
                String event = get(url + "/v1/all?from=" + ack.getValue() + "&limit=1");
                assertThat(event).as("seed %d: the event acknowledged at position %d", seed, ack.getValue())
                        .contains("\"id\":\"" + ack.getKey() + "\"")
                        .contains("\"position\":\"" + ack.getValue() + "\"");
            }
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private void appendUntilStopped(String url, String streamPrefix, AtomicBoolean running, Map<UUID, Long> acknowledged) {
        int n = 0;
        while (running.get()) {
            UUID id = UUID.randomUUID();
            String body = "{\"events\":[{\"id\":\"" + id + "\",\"type\":\"Tick\",\"data\":{\"n\":" + n++ + "}}]}";
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/streams/" + streamPrefix + "-" + (n % 7)))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    Matcher m = POSITION.matcher(response.body());
                    assertThat(m.find()).as("append answer %s", response.body()).isTrue();
                    acknowledged.put(id, Long.parseLong(m.group(1)));
                }
            } catch (IOException e) {
                return; // the server is gone: what was not answered was not acknowledged
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String get(String uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return response.body();
    }

    private Process startServer() throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String lib = System.getProperty("strata.dist.lib");
        assertThat(lib).as("the distribution folder (set by the build)").isNotNull();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", lib + "/*", "io.strata.cli.StrataCli", "serve",
                "--db", directory.resolve("data").toString(), "--http-port", "0", "--grpc-port", "0")
                .redirectErrorStream(true).start();
    }

    /** Reads the server's output until it says where it listens. */
    private static String awaitUrl(Process server) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> lines.lines().forEach(l -> { })); // keep draining its output
                return m.group(1);
            }
        }
        throw new AssertionError("the server ended before saying where it listens:\n" + seen);
    }
}
