package io.strata.cli;

import io.strata.client.Json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class BenchCommandTest {
    @TempDir
    Path dir;

    private final CliRunner strata = CliRunner.embedded();

    @Test
    void benchOfAnUnknownWorkloadOrTargetIsBadUsage() {
        CliRunner.Result workload = strata.run("bench", "W9");
        CliRunner.Result target = strata.run("bench", "W1", "--target", "kafka-ish");
        CliRunner.Result none = strata.run("bench");

        assertThat(workload.exitCode()).isEqualTo(2);
        assertThat(workload.err()).contains("unknown workload 'W9'");
        assertThat(target.exitCode()).isEqualTo(2);
        assertThat(target.err()).contains("unknown --target 'kafka-ish'");
        assertThat(none.exitCode()).isEqualTo(2);
    }

    @Test
    void benchRefusesToWriteIntoAFolderThatHoldsSomething() throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "keep me");

        CliRunner.Result result = strata.run("bench", "W1", "--quick", "--db", dir.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("invalid_request: bench writes its stores under --db");
        assertThat(dir.resolve("precious.txt")).hasContent("keep me");
    }

    @Test
    void benchRunsAWorkloadAndPrintsOneJsonLinePerRun() {
        Path workDirectory = dir.resolve("bench");

        CliRunner.Result result = strata.run("bench", "w1", "--quick", "--durability", "none", "--db", workDirectory.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).hasSize(1);
        JsonNode line = Json.MAPPER.readTree(result.outLines().getFirst());
        assertThat(line.get("workload").asString()).isEqualTo("W1");
        assertThat(line.get("target").asString()).isEqualTo("strata-embedded");
        assertThat(line.get("durability").asString()).isEqualTo("none");
        assertThat(line.get("eventsPerSecond").asDouble()).isPositive();
        assertThat(result.err()).contains("W1");
    }
}
