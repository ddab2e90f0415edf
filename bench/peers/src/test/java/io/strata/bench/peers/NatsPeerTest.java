package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A real nats-server with JetStream (Debian's package), when it is installed. */
class NatsPeerTest {
    @TempDir
    static Path folder;
    private static ChildProcesses processes;
    private static NatsServer server;

    @BeforeAll
    static void start() throws Exception {
        boolean installed = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "nats-server")));
        assumeTrue(installed, "nats-server is not on the PATH: install it with apt-get install -y nats-server"
                + " (bench/peers/run does) to run the NATS JetStream tests");
        processes = new ChildProcesses(folder.resolve("pids"), Duration.ofSeconds(10));
        server = NatsServer.start(folder.resolve("nats"), processes, message -> { });
    }

    @AfterAll
    static void stopAndCheckItIsGone() throws Exception {
        if (server != null) {
            PeerServers.closeAndCheckGone(server, folder.resolve("pids"));
        }
    }

    @Test
    void runsW1ToW6AndReportsW7AsNotSupported() {
        Map<String, JsonNode> lines = TinyRuns.run(folder.resolve("work"), processes, server, "W1,W2,W3,W4,W5,W6,W7");

        assertThat(lines).containsOnlyKeys("W1 page-cache", "W2 page-cache", "W3 page-cache", "W4 page-cache",
                "W5 page-cache", "W6 page-cache", "W7 page-cache");
        assertThat(lines.get("W1 page-cache").get("condition").asString()).isEqualTo("Nats-Expected-Last-Subject-Sequence");
        assertThat(lines.get("W3 page-cache").get("batch").asString()).contains("not atomic");
        assertThat(lines.get("W4 page-cache").get("events").asLong()).isEqualTo(TinyRuns.TINY.w4Events());
        assertThat(lines.get("W5 page-cache").get("events").asLong())
                .isEqualTo((long) TinyRuns.TINY.w5Reads() * TinyRuns.TINY.w5HotEvents());
        // every subscriber got every measured event once, or the run would have failed
        assertThat(lines.get("W6 page-cache").get("deliveries").asLong())
                .isEqualTo(lines.get("W6 page-cache").get("events").asLong() * TinyRuns.TINY.w6Subscribers());
        assertThat(lines.get("W7 page-cache").get("notSupported").asString()).contains("per-subject order");
    }

    @Test
    void aPublishIsRejectedUnlessTheSubjectsLastMessageIsTheExpectedOne() throws Exception {
        try (PeerLog log = server.targets().get(0).createLog("conditions")) {
            PeerLog.Appender appender = log.appender();
            long last = appender.append("order-1", PeerLog.Appender.NO_STREAM, List.of(new byte[] {1}));
            appender.append("order-2", PeerLog.Appender.NO_STREAM, List.of(new byte[] {1})); // moves the stream's sequence on
            last = appender.append("order-1", last, List.of(new byte[] {2}));

            assertThatThrownBy(() -> appender.append("order-1", PeerLog.Appender.NO_STREAM, List.of(new byte[] {3})))
                    .hasMessageContaining("wrong last sequence");
            long stale = last - 1;
            assertThatThrownBy(() -> appender.append("order-1", stale, List.of(new byte[] {3})))
                    .hasMessageContaining("wrong last sequence");
            try (PeerLog.StreamReader reader = log.streamReader()) {
                assertThat(reader.readWhole("order-1", data -> { })).isEqualTo(2);
            }
        }
    }
}
