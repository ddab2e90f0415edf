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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ReadCommandTest {
    /** RFC 3339, UTC, exactly six fraction digits: the HTTP API's recorded time. */
    static final String RFC3339_MICROS_UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

    @TempDir
    Path dir;

    private final CliRunner strata = CliRunner.embedded();

    private String db() {
        return dir.toString();
    }

    private void append(String stream, String type, String data, String... more) {
        List<String> args = new ArrayList<>(List.of("append", stream, "--type", type, "--data", data, "--db", db()));
        args.addAll(List.of(more));
        CliRunner.Result result = strata.run(args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private static List<JsonNode> jsonLines(CliRunner.Result result) {
        return result.outLines().stream().map(Json.MAPPER::readTree).toList();
    }

    @Test
    void appendThenReadPrintsTheEventAsJson() {
        String id = "0196b2c4-5a3e-7f00-8000-1234567890ab";
        append("order-42", "OrderPlaced", "{\"sku\":\"A-1\",\"qty\":2}", "--id", id);

        CliRunner.Result result = strata.run("read", "order-42", "--json", "--db", db());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).hasSize(1);
        JsonNode event = jsonLines(result).getFirst();
        assertThat(event.propertyNames()).containsExactlyInAnyOrder(
                "id", "stream", "type", "revision", "position", "recordedTime", "data");
        assertThat(event.get("id").asString()).isEqualTo(id);
        assertThat(event.get("stream").asString()).isEqualTo("order-42");
        assertThat(event.get("type").asString()).isEqualTo("OrderPlaced");
        assertThat(event.get("revision").isIntegralNumber()).isTrue();
        assertThat(event.get("revision").asLong()).isZero();
        assertThat(event.get("position").isString()).as("a position is a string token").isTrue();
        assertThat(event.get("position").asString()).isEqualTo("0");
        assertThat(event.get("recordedTime").asString()).matches(RFC3339_MICROS_UTC);
        assertThat(event.get("data").get("sku").asString()).isEqualTo("A-1");
        assertThat(event.get("data").get("qty").asInt()).isEqualTo(2);
    }

    @Test
    void readShowsMetadataAndValidTimeOnlyForEventsThatHaveThem() {
        append("order-42", "OrderPlaced", "{}", "--metadata", "{\"correlationId\":\"c-1\"}",
                "--valid-time", "2026-11-01T01:00:00+01:00");
        append("order-42", "OrderShipped", "{}");

        List<JsonNode> events = jsonLines(strata.run("read", "order-42", "--json", "--db", db()));

        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("metadata").get("correlationId").asString()).isEqualTo("c-1");
        assertThat(events.get(0).get("validTime").asString()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(events.get(1).has("metadata")).isFalse();
        assertThat(events.get(1).has("validTime")).isFalse();
    }

    @Test
    void readShowsDataThatIsNotJsonAsBase64WithItsContentType() {
        append("note-1", "NoteTaken", "hello, world", "--content-type", "text/plain");

        JsonNode event = jsonLines(strata.run("read", "note-1", "--json", "--db", db())).getFirst();
        CliRunner.Result human = strata.run("read", "note-1", "--db", db());

        assertThat(event.has("data")).isFalse();
        assertThat(event.get("contentType").asString()).isEqualTo("text/plain");
        assertThat(Base64.getDecoder().decode(event.get("dataBase64").asString()))
                .isEqualTo("hello, world".getBytes(StandardCharsets.UTF_8));
        assertThat(human.out()).contains("<12 bytes of text/plain>");
    }

    @Test
    void readPrintsOneReadableLinePerEvent() {
        append("order-42", "OrderPlaced", "{\"sku\":\"A\"}");
        append("cart-1", "CartOpened", "{}");
        append("order-42", "OrderShipped", "{}");

        CliRunner.Result result = strata.run("read", "order-42", "--db", db());

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).hasSize(2);
        assertThat(result.outLines().get(0)).matches("0  order-42@0  " + RFC3339_MICROS_UTC + "  OrderPlaced  \\{\"sku\":\"A\"}");
        assertThat(result.outLines().get(1)).matches("2  order-42@1  " + RFC3339_MICROS_UTC + "  OrderShipped  \\{}");
    }

    @Test
    void readBackwardStartsAtTheLastRevision() {
        append("order-42", "A", "{}");
        append("order-42", "B", "{}");
        append("order-42", "C", "{}");

        List<JsonNode> events = jsonLines(strata.run("read", "order-42", "--backward", "--limit", "2", "--json", "--db", db()));

        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly("C", "B");
    }

    @Test
    void readFromARevisionSkipsTheEarlierOnes() {
        append("order-42", "A", "{}");
        append("order-42", "B", "{}");
        append("order-42", "C", "{}");

        List<JsonNode> events = jsonLines(strata.run("read", "order-42", "--from", "1", "--json", "--db", db()));

        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly("B", "C");
    }

    @Test
    void readAllWithATypeFilterKeepsOnlyThoseTypes() {
        append("order-1", "OrderPlaced", "{}");
        append("cart-1", "CartOpened", "{}");
        append("order-1", "OrderShipped", "{}");
        append("order-2", "OrderPlaced", "{}");
        append("order-2", "OrderCancelled", "{}");

        List<JsonNode> placedOrShipped = jsonLines(strata.run("read", "$all", "--type", "OrderPlaced",
                "--type", "OrderShipped", "--json", "--db", db()));
        List<JsonNode> commaList = jsonLines(strata.run("read", "$all", "--type", "OrderPlaced,OrderCancelled", "--json", "--db", db()));

        assertThat(placedOrShipped).extracting(e -> e.get("position").asString()).containsExactly("0", "2", "3");
        assertThat(commaList).extracting(e -> e.get("type").asString())
                .containsExactly("OrderPlaced", "OrderPlaced", "OrderCancelled");
    }

    @Test
    void readAllByCategoryAndStreamPrefix() {
        append("order-1", "OrderPlaced", "{}");
        append("orders-x", "Other", "{}");
        append("cart-1", "CartOpened", "{}");
        append("order-2", "OrderPlaced", "{}");

        List<JsonNode> category = jsonLines(strata.run("read", "$all", "--category", "order", "--json", "--db", db()));
        List<JsonNode> prefix = jsonLines(strata.run("read", "$all", "--stream-prefix", "order", "--json", "--db", db()));

        assertThat(category).extracting(e -> e.get("stream").asString()).containsExactly("order-1", "order-2");
        assertThat(prefix).extracting(e -> e.get("stream").asString()).containsExactly("order-1", "orders-x", "order-2");
    }

    @Test
    void readPagesThroughMoreThanOnePageAndStopsAtTheLimit() {
        int events = 2 * ReadCommand.PAGE_SIZE + 500;
        try (EventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            List<EventData> batch = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                batch.add(EventData.json("Counted", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            }
            store.append("counter-1", ExpectedRevision.NO_STREAM, batch);
        }

        CliRunner.Result all = strata.run("read", "counter-1", "--limit", "1000000", "--json", "--db", db());
        CliRunner.Result limited = strata.run("read", "$all", "--limit", "1200", "--json", "--db", db());

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(jsonLines(all)).extracting(e -> e.get("data").get("n").asInt())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, events).boxed().toList());
        assertThat(all.err()).isEmpty();
        assertThat(limited.outLines()).hasSize(1200);
        assertThat(limited.err()).contains("stopped at --limit 1200").contains("--from 1200");
    }

    @Test
    void readOfAMissingStreamFailsWithStreamNotFound() {
        append("order-1", "OrderPlaced", "{}");

        CliRunner.Result result = strata.run("read", "order-404", "--db", db());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("stream_not_found: ").contains("order-404");
    }

    @Test
    void readAsOfATimeBeforeTheFirstEventFindsNoStream() {
        append("order-1", "OrderPlaced", "{}");

        CliRunner.Result result = strata.run("read", "order-1", "--as-of", "2000-01-01T00:00:00Z", "--db", db());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("stream_not_found: ");
    }

    @Test
    void readOfAFolderWithoutAStoreSaysNotFoundAndCreatesNothing() {
        Path missing = dir.resolve("nothing-here");

        CliRunner.Result result = strata.run("read", "order-1", "--db", missing.toString());
        CliRunner.Result info = strata.run("info", "--db", missing.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualToIgnoringNewLines("not_found: no store at " + missing);
        assertThat(info.exitCode()).isEqualTo(1);
        assertThat(missing).doesNotExist();
    }

    @Test
    void readOfAStreamWithAllFiltersIsBadUsage() {
        CliRunner.Result result = strata.run("read", "order-1", "--type", "OrderPlaced", "--db", db());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("filter '$all' only");
    }

    @Test
    void readWithAMalformedFromOrLimitIsBadUsage() {
        assertThat(strata.run("read", "order-1", "--from", "-3", "--db", db()).exitCode()).isEqualTo(2);
        assertThat(strata.run("read", "$all", "--from", "later", "--db", db()).exitCode()).isEqualTo(2);
        assertThat(strata.run("read", "$all", "--limit", "0", "--db", db()).exitCode()).isEqualTo(2);
        assertThat(strata.run("read", "$all", "--limit", "many", "--db", db()).exitCode()).isEqualTo(2);
    }

    @Test
    void eventIdsAssignedByTheStoreAreUuids() {
        append("order-1", "OrderPlaced", "{}");

        JsonNode event = jsonLines(strata.run("read", "$all", "--json", "--db", db())).getFirst();

        assertThat(UUID.fromString(event.get("id").asString())).isNotNull();
    }
}
