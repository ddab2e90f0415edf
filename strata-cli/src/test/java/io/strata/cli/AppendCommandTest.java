package io.strata.cli;

import io.strata.client.Json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class AppendCommandTest {
    @TempDir
    Path dir;

    private final CliRunner strata = CliRunner.embedded();

    private String db() {
        return dir.resolve("store").toString();
    }

    @Test
    void appendPrintsWhereTheEventLandedAndCreatesTheStore() {
        CliRunner.Result first = strata.run("append", "order-42", "--type", "OrderPlaced", "--data", "{\"sku\":\"A\"}", "--db", db());
        CliRunner.Result second = strata.run("append", "order-42", "--type", "OrderShipped", "--db", db());

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).isEqualToIgnoringNewLines("appended order-42@0 at position 0");
        assertThat(second.out()).isEqualToIgnoringNewLines("appended order-42@1 at position 1");
        assertThat(first.err()).isEmpty();
        assertThat(Files.isDirectory(dir.resolve("store"))).isTrue();
    }

    @Test
    void appendWithJsonPrintsTheHttpAppendAnswer() {
        strata.run("append", "cart-1", "--type", "CartOpened", "--db", db());

        CliRunner.Result result = strata.run("append", "order-42", "--type", "OrderPlaced", "--data", "{}", "--json", "--db", db());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode answer = Json.MAPPER.readTree(result.out());
        assertThat(answer.get("stream").asString()).isEqualTo("order-42");
        assertThat(answer.get("firstRevision").asLong()).isZero();
        assertThat(answer.get("lastRevision").asLong()).isZero();
        assertThat(answer.get("firstPosition").isString()).isTrue();
        assertThat(answer.get("firstPosition").asString()).isEqualTo("1");
        assertThat(answer.get("lastPosition").asString()).isEqualTo("1");
        assertThat(answer.get("recordedTime").asString()).matches(ReadCommandTest.RFC3339_MICROS_UTC);
    }

    @Test
    void appendWithWrongExpectedRevisionFailsWithTheCodeOnStderr() {
        strata.run("append", "order-42", "--type", "OrderPlaced", "--db", db());

        CliRunner.Result result = strata.run("append", "order-42", "--type", "OrderPlaced",
                "--expected-revision", "3", "--db", db());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("wrong_expected_revision: expected 3, actual 0");
        assertThat(result.err()).doesNotContain("Exception", "\tat ");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void appendExpectingNoStreamFailsOnceTheStreamExists() {
        CliRunner.Result first = strata.run("append", "order-42", "--type", "OrderPlaced", "--expected-revision", "no_stream", "--db", db());
        CliRunner.Result second = strata.run("append", "order-42", "--type", "OrderPlaced", "--expected-revision", "no_stream", "--db", db());

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.err()).startsWith("wrong_expected_revision: expected no_stream, actual 0");
    }

    @Test
    void appendOfInvalidJsonDataFailsAsInvalidRequestAndCreatesNothing() {
        CliRunner.Result result = strata.run("append", "order-42", "--type", "OrderPlaced", "--data", "{\"sku\": ", "--db", db());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("invalid_request: the data (--data) is not valid JSON");
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void appendRejectsJsonFollowedByGarbage() {
        CliRunner.Result result = strata.run("append", "order-42", "--type", "OrderPlaced", "--data", "{} {}", "--db", db());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("invalid_request:");
    }

    @Test
    void appendRejectsMetadataThatIsNotAJsonObject() {
        CliRunner.Result result = strata.run("append", "order-42", "--type", "OrderPlaced", "--metadata", "[1]", "--db", db());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("invalid_request: --metadata must be a JSON object");
    }

    @Test
    void appendRejectsAReservedStreamName() {
        CliRunner.Result result = strata.run("append", "$all", "--type", "OrderPlaced", "--db", db());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("invalid_request: stream names beginning with '$' are reserved");
    }

    @Test
    void appendReadsTheDataFromStandardInput() {
        CliRunner.Result result = strata.withStdin("{\n  \"sku\": \"B\",\n  \"qty\": 2.50\n}\n")
                .run("append", "order-7", "--type", "OrderPlaced", "-", "--db", db());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        CliRunner.Result read = strata.run("read", "order-7", "--json", "--db", db());
        // Stored compact, and the number exactly as written.
        assertThat(Json.MAPPER.readTree(read.out()).get("data").toString()).isEqualTo("{\"sku\":\"B\",\"qty\":2.50}");
    }

    @Test
    void appendReadsTheDataFromAFile() throws Exception {
        Path file = dir.resolve("event.json");
        Files.writeString(file, "{\"sku\":\"C\"}");

        CliRunner.Result result = strata.run("append", "order-8", "--type", "OrderPlaced", "--file", file.toString(), "--db", db());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(strata.run("read", "order-8", "--db", db()).out()).contains("{\"sku\":\"C\"}");
    }

    @Test
    void appendOfAMissingFileFailsAsInvalidRequest() {
        CliRunner.Result result = strata.run("append", "order-8", "--type", "OrderPlaced",
                "--file", dir.resolve("nope.json").toString(), "--db", db());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("invalid_request: cannot read --file").contains("no such file");
    }

    @Test
    void appendTwiceWithTheSameIdWritesOnce() {
        String id = "0196b2c4-5a3e-7f00-8000-1234567890ab";
        CliRunner.Result first = strata.run("append", "order-42", "--type", "OrderPlaced", "--id", id, "--db", db());
        CliRunner.Result again = strata.run("append", "order-42", "--type", "OrderPlaced", "--id", id, "--db", db());

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo(first.out());
        assertThat(strata.run("read", "order-42", "--db", db()).outLines()).hasSize(1);
    }

    @Test
    void appendWithoutTypeIsBadUsage() {
        CliRunner.Result result = strata.run("append", "order-42", "--db", db());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required option: '--type=TYPE'").contains("strata append --help");
    }

    @Test
    void appendWithDataGivenTwoWaysIsBadUsage() {
        CliRunner.Result result = strata.run("append", "order-42", "--type", "T", "--data", "{}", "-", "--db", db());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("give the data one way only");
    }

    @Test
    void appendWithAMalformedIdOrRevisionIsBadUsage() {
        CliRunner.Result badId = strata.run("append", "order-42", "--type", "T", "--id", "1-2-3-4-5", "--db", db());
        CliRunner.Result badRevision = strata.run("append", "order-42", "--type", "T", "--expected-revision", "latest", "--db", db());
        CliRunner.Result badTime = strata.run("append", "order-42", "--type", "T", "--valid-time", "yesterday", "--db", db());

        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("--id").contains("is not a UUID");
        assertThat(badRevision.exitCode()).isEqualTo(2);
        assertThat(badRevision.err()).contains("expected revision must be any, no_stream, exists or a revision number");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err()).contains("is not an RFC 3339 time");
        assertThat(dir.resolve("store")).doesNotExist();
    }
}
