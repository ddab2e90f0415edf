package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A real Kafka broker (KRaft, from the Maven Central artifacts) in a child JVM, as the harness starts it. */
class KafkaPeerTest {
    @TempDir
    static Path folder;
    private static ChildProcesses processes;
    private static KafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        processes = new ChildProcesses(folder.resolve("pids"), Duration.ofSeconds(20));
        broker = KafkaBroker.start(folder.resolve("kafka"), processes, message -> { });
    }

    @AfterAll
    static void stopAndCheckItIsGone() throws Exception {
        PeerServers.closeAndCheckGone(broker, folder.resolve("pids"));
    }

    @Test
    void runsTheWorkloadsKafkaHasOnBothTopicSettingsAndSaysWhichItHasNot() {
        Map<String, JsonNode> lines = TinyRuns.run(folder.resolve("work"), processes, broker, "W1,W2,W3,W4,W5,W6");

        assertThat(lines).containsOnlyKeys("W1 fsync", "W1 page-cache", "W2 fsync", "W2 page-cache", "W3 fsync",
                "W3 page-cache", "W4 fsync", "W4 page-cache", "W5 fsync", "W5 page-cache", "W6 fsync", "W6 page-cache");
        assertThat(lines.get("W1 fsync").get("flushMessages").asString()).startsWith("1 ");
        assertThat(lines.get("W1 page-cache").get("flushMessages").asString()).startsWith("broker default");
        assertThat(lines.get("W1 fsync").get("expectedRevision").asString()).isEqualTo("not checked");
        assertThat(lines.get("W1 fsync").get("events").asLong()).isEqualTo(TinyRuns.TINY.w1Appends());
        assertThat(lines.get("W3 fsync").get("batch").asString()).contains("not atomic");
        assertThat(lines.get("W4 page-cache").get("events").asLong()).isEqualTo(TinyRuns.TINY.w4Events());
        assertThat(lines.get("W4 page-cache").get("warmupEvents").asLong()).isPositive();
        assertThat(lines.get("W6 fsync").get("deliveries").asLong())
                .isEqualTo(lines.get("W6 fsync").get("events").asLong() * TinyRuns.TINY.w6Subscribers());
        assertThat(lines.get("W2 fsync").get("notSupported").asString()).contains("no conditional append");
        assertThat(lines.get("W5 page-cache").get("notSupported").asString()).contains("no index by key");
    }
}
