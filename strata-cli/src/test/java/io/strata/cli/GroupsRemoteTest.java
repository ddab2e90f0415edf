package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.client.HttpGroupsClient;
import io.strata.client.Json;
import io.strata.core.Durability;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code strata groups --url}: against a real server on a random port, compared with the same
 * commands on a local folder holding the same events.
 */
class GroupsRemoteTest {
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

    /** Runs the command on the local folder (--db) and on the server (--url). */
    private CliRunner.Result[] both(String... args) {
        List<String> local = new ArrayList<>(List.of(args));
        local.addAll(List.of("--db", dir.resolve("local").toString()));
        List<String> remote = new ArrayList<>(List.of(args));
        remote.addAll(List.of("--url", url));
        return new CliRunner.Result[] {strata.run(local.toArray(String[]::new)), strata.run(remote.toArray(String[]::new))};
    }

    private static CliRunner.Result[] assertSame(CliRunner.Result[] results) {
        CliRunner.Result local = results[0];
        CliRunner.Result remote = results[1];
        assertThat(remote.exitCode()).as("remote %s%nlocal %s", remote, local).isEqualTo(local.exitCode());
        assertThat(remote.out()).as("remote %s%nlocal %s", remote, local).isEqualTo(local.out());
        assertThat(remote.err()).as("remote %s%nlocal %s", remote, local).isEqualTo(local.err());
        return results;
    }

    private CliRunner.Result ok(CliRunner.Result result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    @Test
    void everyCommandPrintsWhatLocalModePrints() {
        for (int i = 0; i < 3; i++) {
            assertSame(both("append", "order-" + (i % 2), "--type", "OrderPlaced", "--data", "{\"n\":" + i + "}"));
        }

        assertThat(assertSame(both("groups", "create", "billing", "--stream", "order-0", "--from", "start"))[1].exitCode()).isZero();
        assertSame(both("groups", "create", "billing", "--stream", "order-0", "--from", "start", "--json"));
        assertSame(both("groups", "create", "audit", "--all", "--category", "order", "--max-deliveries", "2"));
        CliRunner.Result[] exists = assertSame(both("groups", "create", "billing", "--stream", "order-0"));
        assertSame(both("groups", "list"));
        assertSame(both("groups", "list", "--json"));
        assertSame(both("groups", "show", "billing"));
        assertSame(both("groups", "show", "audit", "--json"));
        assertSame(both("groups", "parked", "billing"));
        assertSame(both("groups", "delete", "audit"));
        CliRunner.Result[] missing = assertSame(both("groups", "show", "audit"));
        assertSame(both("groups", "parked", "audit", "--json"));
        assertSame(both("groups", "delete", "audit"));

        assertThat(exists[1].exitCode()).isEqualTo(1);
        assertThat(exists[1].err()).startsWith("group_exists: ");
        assertThat(missing[1].exitCode()).isEqualTo(1);
        assertThat(missing[1].err()).isEqualToIgnoringNewLines("not_found: consumer group 'audit' does not exist");
        assertThat(ok(strata.run("groups", "list", "--url", url)).outLines()).hasSize(2);
    }

    @Test
    void parkedMessagesAreListedAndReplayedToTheServersConsumers() {
        ok(strata.run("append", "order-1", "--type", "OrderPlaced", "--data", "{\"sku\":\"A\"}", "--url", url));
        ok(strata.run("append", "order-1", "--type", "OrderPaid", "--url", url));
        ok(strata.run("groups", "create", "billing", "--stream", "order-1", "--from", "start", "--url", url));
        try (HttpGroupsClient client = HttpGroupsClient.connect(url)) {
            JsonNode poison = client.fetch("billing", "c1", 10, Duration.ofSeconds(10)).getFirst();
            assertThat(Json.line(client.nack("billing", List.of(poison.get("ackId").asString()), "park", Duration.ZERO)))
                    .isEqualTo("{\"nacked\":1,\"unknown\":0}");

            CliRunner.Result parked = ok(strata.run("groups", "parked", "billing", "--url", url));
            JsonNode parkedJson = Json.MAPPER.readTree(ok(strata.run("groups", "parked", "billing", "--url", url, "--json")).out());
            CliRunner.Result replay = ok(strata.run("groups", "replay", "billing", "--url", url));
            JsonNode replayJson = Json.MAPPER.readTree(ok(strata.run("groups", "replay", "billing", "--url", url, "--json")).out());

            String read = ok(strata.run("read", "order-1", "--limit", "1", "--url", url)).outLines().getFirst();
            assertThat(parked.outLines()).singleElement().asString().startsWith(read + "  deliveries=1  reason=nacked  parkedAt=");
            assertThat(parkedJson.get("event")).isEqualTo(poison.get("event"));
            assertThat(replay.out()).isEqualToIgnoringNewLines("queued 1 parked message of group billing for delivery");
            assertThat(Json.line(replayJson)).isEqualTo("{\"replayed\":0}"); // already queued: nothing more to replay
            List<String> delivered = new ArrayList<>();
            List<String> ackIds = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (delivered.size() < 2 && System.nanoTime() < deadline) {
                for (JsonNode message : client.fetch("billing", "c1", 10, Duration.ofSeconds(1))) {
                    delivered.add(message.get("event").get("type").asString() + "#" + message.get("deliveryCount").asInt());
                    ackIds.add(message.get("ackId").asString());
                    client.ack("billing", List.of(message.get("ackId").asString()));
                }
            }
            // Replay goes to the back of the stream: after the event the group already held.
            assertThat(delivered).containsExactly("OrderPaid#1", "OrderPlaced#1");
            assertThat(Json.line(client.ack("billing", ackIds))).isEqualTo("{\"acked\":0,\"unknown\":2}");
            assertThat(ok(strata.run("groups", "parked", "billing", "--url", url)).err()).isEqualToIgnoringNewLines("(no parked messages)");
        }
    }

    @Test
    void aServerOutOfReachIsUnavailable() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }

        CliRunner.Result result = strata.run("groups", "list", "--url", "http://127.0.0.1:" + freePort);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualToIgnoringNewLines("unavailable: cannot reach the server at http://127.0.0.1:" + freePort + " (connection refused)");
    }
}
