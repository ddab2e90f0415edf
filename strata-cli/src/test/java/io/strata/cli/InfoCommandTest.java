package io.strata.cli;

import io.strata.client.Json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class InfoCommandTest {
    @TempDir
    Path dir;

    private final CliRunner strata = CliRunner.embedded();

    @Test
    void infoWithJsonHasTheFieldsOfTheHttpInfoAnswer() {
        strata.run("append", "order-1", "--type", "OrderPlaced", "--db", dir.toString());
        strata.run("append", "order-2", "--type", "OrderPlaced", "--db", dir.toString());
        strata.run("append", "order-2", "--type", "OrderShipped", "--db", dir.toString());

        CliRunner.Result result = strata.run("info", "--json", "--db", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode info = Json.MAPPER.readTree(result.out());
        assertThat(info.propertyNames()).containsExactlyInAnyOrder(
                "version", "engine", "durability", "headPosition", "streams", "events", "startedAt", "dedupWindow");
        assertThat(info.get("headPosition").asString()).isEqualTo("2");
        assertThat(info.get("streams").asLong()).isEqualTo(2);
        assertThat(info.get("events").asLong()).isEqualTo(3);
        assertThat(info.get("durability").asString()).isEqualTo("fsync");
        assertThat(info.get("dedupWindow").get("duration").asString()).isEqualTo("PT24H");
        assertThat(info.get("dedupWindow").get("events").asLong()).isEqualTo(10_000_000L);
    }

    @Test
    void infoForPeopleIsOneFactPerLine() {
        strata.run("append", "order-1", "--type", "OrderPlaced", "--db", dir.toString());

        CliRunner.Result result = strata.run("info", "--db", dir.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).anyMatch(line -> line.matches("events +1"))
                .anyMatch(line -> line.matches("head position +0"))
                .anyMatch(line -> line.startsWith("dedup window   24 h or the last 10000000 events"));
    }
}
