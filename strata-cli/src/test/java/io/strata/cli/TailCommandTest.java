package io.strata.cli;

import io.strata.client.Json;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class TailCommandTest {
    @TempDir
    Path dir;

    private EventStore store;
    private CliRunner strata;

    @BeforeEach
    void openStore() {
        store = EmbeddedEventStore.open(StoreConfig.builder(dir).build());
        strata = CliRunner.sharing(store);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private void append(String stream, String type) {
        store.append(stream, ExpectedRevision.ANY, List.of(EventData.json(type, "{}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void tailDeliversAnEventAppendedAfterItStarted() throws Exception {
        append("order-42", "OrderPlaced");
        CliRunner.Running tail = strata.start("tail", "order-42", "--db", dir.toString());
        tail.awaitErr(err -> err.contains("caught up"));

        CliRunner.Result appended = strata.run("append", "order-42", "--type", "OrderShipped", "--db", dir.toString());
        tail.awaitOut(out -> out.contains("OrderShipped"));
        CliRunner.Result result = tail.stop();

        assertThat(appended.exitCode()).as(appended.toString()).isZero();
        assertThat(result.exitCode()).isZero();
        // Live only by default: the event written before tail started is not shown.
        assertThat(result.outLines()).singleElement().asString().contains("order-42@1").contains("OrderShipped");
    }

    @Test
    void tailFromStartReplaysHistorySaysItCaughtUpThenFollowsAllWithFilters() throws Exception {
        append("order-1", "OrderPlaced");
        append("cart-1", "CartOpened");
        CliRunner.Running tail = strata.start("tail", "$all", "--from", "start", "--category", "order", "--json", "--db", dir.toString());
        tail.awaitOut(out -> out.contains("caughtUp"));

        append("cart-1", "CartClosed");
        append("order-2", "OrderPlaced");
        tail.awaitOut(out -> out.contains("order-2"));
        CliRunner.Result result = tail.stop();

        List<JsonNode> lines = result.outLines().stream().map(Json.MAPPER::readTree).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("stream").asString()).isEqualTo("order-1");
        assertThat(lines.get(1).get("caughtUp").asBoolean()).isTrue();
        assertThat(lines.get(2).get("stream").asString()).isEqualTo("order-2");
        assertThat(lines.get(2).get("position").asString()).isEqualTo("3");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void tailOfAFolderWithoutAStoreSaysNotFound() {
        CliRunner.Result result = CliRunner.embedded().run("tail", "order-1", "--db", dir.resolve("none").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("not_found: no store at");
        assertThat(dir.resolve("none")).doesNotExist();
    }
}
