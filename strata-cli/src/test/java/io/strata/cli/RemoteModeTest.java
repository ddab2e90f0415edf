package io.strata.cli;

import io.strata.client.Json;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code --url}: the commands against a real server on a random port, compared with the same
 * commands on a local folder holding the same events.
 */
class RemoteModeTest {
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

    @TempDir
    Path dir;

    private StrataServer server;
    private String url;
    private final CliRunner strata = CliRunner.embedded();

    @BeforeEach
    void startServer() {
        server = StrataServer.start(ServerConfig.builder(dir.resolve("server")).httpPort(0).durability(Durability.NONE)
                .memtableEntries(1024).build());
        url = server.httpUrl();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private String local() {
        return dir.resolve("local").toString();
    }

    /** Runs the command twice, on the local folder (--db) and on the server (--url). */
    private CliRunner.Result[] both(String... args) {
        List<String> local = new ArrayList<>(List.of(args));
        local.addAll(List.of("--db", local()));
        List<String> remote = new ArrayList<>(List.of(args));
        remote.addAll(List.of("--url", url));
        return new CliRunner.Result[] {strata.run(local.toArray(String[]::new)), strata.run(remote.toArray(String[]::new))};
    }

    /** Recorded times and store-assigned ids differ between two stores; everything else must not. */
    private static String normalized(String text) {
        return text.replaceAll(TIME, "<time>").replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>");
    }

    private static void assertSame(CliRunner.Result[] results) {
        CliRunner.Result local = results[0];
        CliRunner.Result remote = results[1];
        assertThat(remote.exitCode()).as("remote %s%nlocal %s", remote, local).isEqualTo(local.exitCode());
        assertThat(normalized(remote.out())).as("remote %s%nlocal %s", remote, local).isEqualTo(normalized(local.out()));
        assertThat(remote.err()).as("remote %s%nlocal %s", remote, local).isEqualTo(local.err());
    }

    private void appendBoth(String... args) {
        CliRunner.Result[] results = both(args);
        assertThat(results[0].exitCode()).as(results[0].toString()).isZero();
        assertSame(results);
    }

    @Test
    void appendThenReadPrintsWhatLocalModePrints() {
        appendBoth("append", "order-42", "--type", "OrderPlaced", "--data", "{\"sku\":\"A-1\",\"qty\":2.50}",
                "--id", "0196b2c4-5a3e-7f00-8000-1234567890ab", "--metadata", "{\"correlationId\":\"c-1\"}",
                "--valid-time", "2026-11-01T00:00:00Z");
        appendBoth("append", "order-42", "--type", "OrderShipped", "--json");
        appendBoth("append", "cart-1", "--type", "Blob", "--data", "not json", "--content-type", "text/plain");

        CliRunner.Result[] human = both("read", "order-42");
        CliRunner.Result[] json = both("read", "order-42", "--json");
        CliRunner.Result[] all = both("read", "$all", "--backward", "--limit", "2");

        assertSame(human);
        assertThat(human[1].outLines()).hasSize(2);
        assertThat(human[1].outLines().getFirst()).startsWith("0  order-42@0  ").contains("OrderPlaced  {\"sku\":\"A-1\",\"qty\":2.50}")
                .contains("validTime=2026-11-01T00:00:00Z").contains("metadata={\"correlationId\":\"c-1\"}");
        assertSame(json);
        JsonNode first = Json.MAPPER.readTree(json[1].outLines().getFirst());
        assertThat(first.get("id").asString()).isEqualTo("0196b2c4-5a3e-7f00-8000-1234567890ab");
        assertThat(first.get("position").asString()).isEqualTo("0");
        assertThat(first.get("recordedTime").asString()).matches(TIME);
        assertSame(all);
        assertThat(all[1].out()).contains("<8 bytes of text/plain>");
        assertThat(all[1].err()).contains("more may follow");
    }

    @Test
    void streamNamesArePercentEncodedInPaths() {
        String name = "odd name/ä?#%+&1";
        CliRunner.Result appended = strata.run("append", name, "--type", "T", "--url", url);
        CliRunner.Result read = strata.run("read", name, "--url", url, "--json");

        assertThat(appended.exitCode()).as(appended.toString()).isZero();
        assertThat(read.exitCode()).as(read.toString()).isZero();
        assertThat(Json.MAPPER.readTree(read.out()).get("stream").asString()).isEqualTo(name);
    }

    @Test
    void wrongExpectedRevisionExitsOneWithTheCodeAsLocally() {
        appendBoth("append", "order-1", "--type", "T");
        appendBoth("append", "order-1", "--type", "T");

        CliRunner.Result[] exact = both("append", "order-1", "--type", "T", "--expected-revision", "5");
        CliRunner.Result[] noStream = both("append", "order-1", "--type", "T", "--expected-revision", "no_stream");

        assertSame(exact);
        assertThat(exact[1].exitCode()).isEqualTo(1);
        assertThat(exact[1].err()).isEqualToIgnoringNewLines("wrong_expected_revision: expected 5, actual 1 on stream 'order-1'");
        assertSame(noStream);
        assertThat(noStream[1].err()).startsWith("wrong_expected_revision: expected no_stream, actual 1");
    }

    @Test
    void readingAMissingStreamIsStreamNotFound() {
        appendBoth("append", "order-1", "--type", "T");

        CliRunner.Result[] missing = both("read", "order-2");

        assertSame(missing);
        assertThat(missing[1].exitCode()).isEqualTo(1);
        assertThat(missing[1].err()).isEqualToIgnoringNewLines("stream_not_found: stream 'order-2' has no events");
    }

    @Test
    void readAllWithATypeFilter() {
        appendBoth("append", "order-1", "--type", "OrderPlaced");
        appendBoth("append", "cart-1", "--type", "CartOpened");
        appendBoth("append", "order-2", "--type", "OrderPlaced");
        appendBoth("append", "order-2", "--type", "OrderShipped");

        CliRunner.Result[] placed = both("read", "$all", "--type", "OrderPlaced", "--json");
        CliRunner.Result[] two = both("read", "$all", "--type", "OrderPlaced,OrderShipped", "--category", "order", "--limit", "2");

        assertSame(placed);
        assertThat(placed[1].outLines()).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"type\":\"OrderPlaced\""));
        assertSame(two);
        assertThat(two[1].outLines()).hasSize(2);
    }

    @Test
    void infoShowsTheServersStore() {
        strata.run("append", "order-1", "--type", "T", "--url", url);

        CliRunner.Result human = strata.run("info", "--url", url);
        CliRunner.Result json = strata.run("info", "--url", url, "--json");

        assertThat(human.exitCode()).as(human.toString()).isZero();
        assertThat(human.out()).contains("durability     none").contains("events         1").contains("head position  0");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode info = Json.MAPPER.readTree(json.out());
        assertThat(info.propertyNames()).containsExactlyInAnyOrder(
                "version", "engine", "durability", "headPosition", "streams", "events", "startedAt", "dedupWindow");
        assertThat(info.get("headPosition").asString()).isEqualTo("0");
        assertThat(info.get("streams").asLong()).isEqualTo(1);
    }

    @Test
    void tailReceivesAnEventAppendedAfterItStarted() throws Exception {
        strata.run("append", "order-42", "--type", "OrderPlaced", "--url", url);
        CliRunner.Running tail = strata.start("tail", "order-42", "--url", url);
        tail.awaitErr(err -> err.contains("caught up"));

        CliRunner.Result appended = strata.run("append", "order-42", "--type", "OrderShipped", "--url", url);
        tail.awaitOut(out -> out.contains("OrderShipped"));
        CliRunner.Result result = tail.stop();

        assertThat(appended.exitCode()).as(appended.toString()).isZero();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).singleElement().asString().contains("order-42@1").contains("OrderShipped");
    }

    @Test
    void tailOfAllFromStartWithJsonReplaysThenFollows() throws Exception {
        strata.run("append", "order-1", "--type", "OrderPlaced", "--url", url);
        strata.run("append", "cart-1", "--type", "CartOpened", "--url", url);
        CliRunner.Running tail = strata.start("tail", "$all", "--from", "start", "--category", "order", "--json", "--url", url);
        tail.awaitOut(out -> out.contains("caughtUp"));

        strata.run("append", "order-2", "--type", "OrderPlaced", "--url", url);
        tail.awaitOut(out -> out.contains("order-2"));
        CliRunner.Result result = tail.stop();

        List<JsonNode> lines = result.outLines().stream().map(Json.MAPPER::readTree).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("stream").asString()).isEqualTo("order-1");
        assertThat(lines.get(1).get("caughtUp").asBoolean()).isTrue();
        assertThat(lines.get(2).get("position").asString()).isEqualTo("2");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void anUnreachableServerIsUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String nobody = "http://127.0.0.1:" + port;

        CliRunner.Result read = strata.run("read", "order-1", "--url", nobody);
        CliRunner.Result append = strata.run("append", "order-1", "--type", "T", "--url", nobody);
        CliRunner.Result tail = strata.run("tail", "order-1", "--url", nobody);

        for (CliRunner.Result result : List.of(read, append, tail)) {
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
            assertThat(result.err().lines()).as(result.toString()).singleElement().asString()
                    .startsWith("unavailable: cannot reach the server at " + nobody + " (");
        }
    }

    @Test
    void aUrlThatIsNotAnHttpAddressIsRefused() {
        CliRunner.Result result = strata.run("info", "--url", "localhost:7700");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("invalid_request: --url must be the server's address");
    }
}
