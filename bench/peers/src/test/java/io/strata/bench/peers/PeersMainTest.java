package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeersMainTest {
    @TempDir
    Path folder;

    @Test
    void rebuildsTheTableAndTheChartFromTheLinesOfAnEarlierRun() throws Exception {
        Path lines = folder.resolve("results.jsonl");
        Files.writeString(lines, """
                {"workload": "W3", "target": "strata-grpc", "durability": "fsync", "eventBytes": 256, "eventsPerSecond": 200000, "p50Ms": 1, "p99Ms": 2}
                {"workload": "W3", "target": "kafka", "durability": "fsync", "eventBytes": 256, "eventsPerSecond": 20000, "p50Ms": 1, "p99Ms": 2}

                """);
        PeersOptions options = PeersOptions.parse("--out", folder.resolve("out").toString(), "--from", lines.toString());

        int exit = PeersMain.retable(options, options.from().orElseThrow());

        assertThat(exit).isZero();
        assertThat(Files.readString(folder.resolve("out/table.md")))
                .startsWith("Side by side: rebuilt from the 2 result lines of results.jsonl")
                .contains("| W3 | fsync | kafka | — | 10× | — | ≥ 1×: met |");
        byte[] png = Files.readAllBytes(folder.resolve("out/peers.png"));
        assertThat(Arrays.copyOf(png, 4)).containsExactly(0x89, 'P', 'N', 'G');
    }
}
