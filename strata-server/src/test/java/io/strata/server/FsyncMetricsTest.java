package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} shows the engine's fsyncs: their latency and how many appends each made durable. */
class FsyncMetricsTest {
    private static final int APPENDS = 5;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private String send(StrataServer server, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.httpUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
        return response.body();
    }

    private void appendOneAtATime(StrataServer server) throws Exception {
        for (int i = 0; i < APPENDS; i++) {
            send(server, "POST", "/v1/streams/fsync-1", "{\"events\":[{\"type\":\"E\",\"data\":" + i + "}]}");
        }
    }

    /** The value of a sample without labels, e.g. {@code strata_fsync_seconds_count 5}. */
    private static double sample(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in%n%s", name, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void withDurabilityFsyncEveryAcknowledgedAppendWasFsyncedAndTimed() throws Exception {
        try (StrataServer server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.FSYNC).build())) {
            appendOneAtATime(server);
            // An answer comes after its fsync was reported, so the metrics are complete already.
            String metrics = send(server, "GET", "/metrics", null);
            double fsyncs = sample(metrics, "strata_fsync_seconds_count");
            assertThat(fsyncs).as("one fsync per append, each its own batch").isEqualTo(APPENDS);
            assertThat(sample(metrics, "strata_fsync_seconds_sum")).isPositive();
            assertThat(metrics).contains("strata_fsync_seconds_bucket{");
            assertThat(sample(metrics, "strata_fsync_appends_sum")).isEqualTo(APPENDS);
        }
    }

    @Test
    void withDurabilityNoneNothingIsFsynced() throws Exception {
        try (StrataServer server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE).build())) {
            appendOneAtATime(server);
            String metrics = send(server, "GET", "/metrics", null);
            assertThat(sample(metrics, "strata_events_appended_total")).isEqualTo(APPENDS);
            assertThat(sample(metrics, "strata_fsync_seconds_count")).isZero();
            assertThat(sample(metrics, "strata_fsync_appends_count")).isZero();
        }
    }
}
