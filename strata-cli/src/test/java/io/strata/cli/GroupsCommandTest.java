package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.client.Json;
import io.strata.core.Durability;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import io.strata.server.groups.ConsumerGroup;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.groups.GroupSettings;
import io.strata.server.groups.GroupSource;
import io.strata.server.groups.Message;
import io.strata.server.groups.NackAction;
import io.strata.server.groups.StartFrom;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code strata groups} on a local folder (no server running on it). */
class GroupsCommandTest {
    @TempDir
    Path dir;

    private final CliRunner strata = CliRunner.embedded();

    private CliRunner.Result run(String... args) {
        String[] withDb = new String[args.length + 2];
        System.arraycopy(args, 0, withDb, 0, args.length);
        withDb[args.length] = "--db";
        withDb[args.length + 1] = dir.toString();
        return strata.run(withDb);
    }

    private CliRunner.Result ok(CliRunner.Result result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    private void append(String stream, int count) {
        for (int i = 0; i < count; i++) {
            ok(run("append", stream, "--type", "Happened", "--data", "{\"n\":" + i + "}"));
        }
    }

    @Test
    void createIsIdempotentAndOtherSettingsAreGroupExists() {
        append("order-1", 3);

        CliRunner.Result created = run("groups", "create", "billing", "--stream", "order-1", "--from", "start", "--max-deliveries", "3");
        CliRunner.Result again = run("groups", "create", "billing", "--stream", "order-1", "--from", "start", "--max-deliveries", "3");
        CliRunner.Result other = run("groups", "create", "billing", "--stream", "order-1", "--from", "start", "--max-deliveries", "4");

        assertThat(ok(created).out()).isEqualToIgnoringNewLines("created group billing over stream 'order-1'");
        assertThat(ok(again).out()).isEqualToIgnoringNewLines("group exists with these settings: billing over stream 'order-1'");
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.err()).startsWith("group_exists: consumer group 'billing' exists with other settings");
        assertThat(other.out()).isEmpty();
    }

    @Test
    void listShowAndDeleteForPeople() {
        append("order-1", 3);
        ok(run("groups", "create", "billing", "--stream", "order-1", "--from", "start"));
        ok(run("groups", "create", "audit", "--all", "--type", "Happened,Other", "--category", "order", "--prefix", "order-",
                "--ordering", "none", "--ack-timeout", "PT1M"));

        CliRunner.Result list = ok(run("groups", "list"));
        CliRunner.Result show = ok(run("groups", "show", "audit"));

        assertThat(list.outLines()).containsExactly(
                "NAME     SOURCE                                                                     CHECKPOINT  LAG  IN FLIGHT  PARKED  CONSUMERS",
                "audit    $all (type in [Happened, Other], category 'order', streamPrefix 'order-')  3           0    0          0       0",
                "billing  stream 'order-1'                                                           0           3    0          0       0");
        assertThat(show.outLines()).containsExactly(
                "name            audit",
                "source          $all (type in [Happened, Other], category 'order', streamPrefix 'order-')",
                "from            end",
                "ordering        none",
                "max deliveries  5",
                "ack timeout     PT1M",
                "checkpoint      3",
                "lag             0",
                "in flight       0",
                "parked          0",
                "consumers       0");

        assertThat(ok(run("groups", "delete", "billing")).out()).isEqualToIgnoringNewLines("deleted group billing");
        CliRunner.Result gone = run("groups", "show", "billing");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).isEqualToIgnoringNewLines("not_found: consumer group 'billing' does not exist");
        assertThat(ok(run("groups", "list")).outLines()).hasSize(2);
    }

    @Test
    void jsonIsTheHttpApisShapesOneObjectPerLine() {
        append("order-1", 2);

        JsonNode created = Json.MAPPER.readTree(ok(run("groups", "create", "billing", "--stream", "order-1", "--from", "start", "--json")).out());
        List<String> list = ok(run("groups", "list", "--json")).outLines();
        JsonNode shown = Json.MAPPER.readTree(ok(run("groups", "show", "billing", "--json")).out());
        JsonNode deleted = Json.MAPPER.readTree(ok(run("groups", "delete", "billing", "--json")).out());

        assertThat(created.get("created").asBoolean()).isTrue();
        assertThat(created.get("settings").get("maxDeliveries").asInt()).isEqualTo(5);
        assertThat(list).hasSize(1);
        JsonNode listed = Json.MAPPER.readTree(list.getFirst());
        assertThat(listed.propertyNames()).containsExactly("name", "source", "checkpoint", "lag", "inFlight", "parked", "consumers");
        assertThat(listed.get("lag").asLong()).isEqualTo(2);
        assertThat(shown.propertyNames()).containsExactly("name", "source", "checkpoint", "lag", "inFlight", "parked", "consumers", "settings");
        assertThat(Json.line(shown.get("settings"))).isEqualTo(
                "{\"source\":{\"stream\":\"order-1\"},\"from\":\"start\",\"ordering\":\"per-stream\",\"maxDeliveries\":5,\"ackTimeout\":\"PT30S\"}");
        assertThat(Json.line(deleted)).isEqualTo("{\"deleted\":\"billing\"}");
        assertThat(ok(run("groups", "list", "--json")).out()).isEmpty();
        assertThat(ok(run("groups", "list")).err()).isEqualToIgnoringNewLines("(no groups)");
    }

    @Test
    void aGroupsStateOnAFolderIsWhatTheServerServesLater() {
        append("order-1", 2);
        ok(run("groups", "create", "billing", "--stream", "order-1", "--from", "start", "--ack-timeout", "PT12S"));

        try (StrataServer server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).build())) {
            CliRunner.Result show = strata.run("groups", "show", "billing", "--url", server.httpUrl(), "--json");

            JsonNode group = Json.MAPPER.readTree(ok(show).out());
            assertThat(group.get("settings").get("ackTimeout").asString()).isEqualTo("PT12S");
            assertThat(group.get("lag").asLong()).isEqualTo(2);
        }
    }

    @Test
    void parkedMessagesArePrintedLikeReadPrintsEventsAndReplayNeedsAServer() {
        append("order-1", 2);
        parkFirstEvent("billing", "order-1");

        CliRunner.Result parked = ok(run("groups", "parked", "billing"));
        JsonNode json = Json.MAPPER.readTree(ok(run("groups", "parked", "billing", "--json")).out());
        CliRunner.Result replay = run("groups", "replay", "billing");

        String read = ok(run("read", "order-1", "--limit", "1")).outLines().getFirst();
        assertThat(parked.outLines()).singleElement().asString()
                .startsWith(read + "  deliveries=1  reason=nacked  parkedAt=");
        assertThat(json.propertyNames()).containsExactly("deliveryCount", "reason", "parkedAt", "event");
        assertThat(json.get("event").get("stream").asString()).isEqualTo("order-1");
        assertThat(json.get("event").get("revision").asLong()).isZero();
        assertThat(replay.exitCode()).isEqualTo(1);
        assertThat(replay.err()).startsWith("unavailable: replay delivers parked messages to the consumers of a running server")
                .contains("--url");
        assertThat(ok(run("groups", "show", "billing")).outLines()).contains("parked          1");
    }

    /** Parks the first event of {@code stream} in a new group, through the core, on the test's folder. */
    private void parkFirstEvent(String group, String stream) {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build());
             ConsumerGroups groups = ConsumerGroups.open(store, dir)) {
            ConsumerGroup created = groups.create(group, GroupSettings.of(GroupSource.stream(stream)).withStart(StartFrom.START)).group();
            List<Message> messages = created.fetch("c1", 1, Duration.ofSeconds(10));
            assertThat(messages).hasSize(1);
            created.nack(List.of(messages.getFirst().ackId()), NackAction.PARK, Duration.ZERO);
        }
    }

    @Test
    void badFlagsAreBadUsage() {
        List<List<String>> bad = List.of(
                List.of("groups", "create", "g"),
                List.of("groups", "create", "g", "--stream", "s", "--all"),
                List.of("groups", "create", "g", "--stream", "s", "--type", "T"),
                List.of("groups", "create", "g", "--stream", "s", "--ordering", "random"),
                List.of("groups", "create", "g", "--stream", "s", "--ack-timeout", "30s"),
                List.of("groups", "create", "g", "--stream", "s", "--max-deliveries", "0"),
                List.of("groups", "create", "g", "--stream", "s", "--max-deliveries", "many"),
                List.of("groups", "create", "g", "--stream", "s", "--from", "middle"),
                List.of("groups", "create", "--stream", "s"),
                List.of("groups", "parked", "g", "--limit", "0"),
                List.of("groups", "show"),
                List.of("groups", "rename", "g"));
        for (List<String> args : bad) {
            CliRunner.Result result = run(args.toArray(String[]::new));
            assertThat(result.exitCode()).as(args + ": " + result).isEqualTo(2);
            assertThat(result.err()).as(args.toString()).contains("--help");
        }
        assertThat(dir).isEmptyDirectory(); // bad usage touches nothing
    }

    @Test
    void readingAFolderWithoutAStoreCreatesNothing() {
        Path missing = dir.resolve("nothing-here");

        CliRunner.Result list = strata.run("groups", "list", "--db", missing.toString());
        CliRunner.Result created = strata.run("groups", "create", "g", "--stream", "s", "--db", missing.toString());

        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.err()).isEqualToIgnoringNewLines("not_found: no store at " + missing);
        assertThat(ok(created).out()).isEqualToIgnoringNewLines("created group g over stream 's'");
        assertThat(ok(strata.run("groups", "list", "--db", missing.toString())).outLines()).hasSize(2);
    }

    @Test
    void aFolderServedByARunningServerSaysToUseUrl() {
        append("order-1", 1);
        try (StrataServer server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).durability(Durability.NONE).build())) {
            CliRunner.Result result = run("groups", "list");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err().lines()).singleElement().asString()
                    .startsWith("unavailable: the store at " + dir + " is already open")
                    .contains("if a server is serving this folder, run the command against it with --url");
        }
    }
}
