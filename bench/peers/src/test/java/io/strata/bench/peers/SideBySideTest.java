package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Strata side of the comparison goes through the Strata driver and comes out in the same format. */
class SideBySideTest {
    @TempDir
    Path folder;

    @Test
    void runsTheStrataTargetsThroughTheWorkloadDriverAtEachDurability() {
        PeersOptions options = PeersOptions.parse("--peers", "", "--strata", "strata-embedded", "--workloads", "W1",
                "--work", folder.toString());
        List<String> lines = new ArrayList<>();

        int exit = new SideBySide(options, TinyRuns.TINY, new ChildProcesses(folder.resolve("pids"), Duration.ofSeconds(1)),
                lines::add, message -> { }).run();

        assertThat(exit).isZero();
        assertThat(lines).hasSize(2);
        List<ResultLine> parsed = lines.stream().map(ResultLine::parse).toList();
        assertThat(parsed).extracting(ResultLine::target).containsOnly("strata-embedded");
        assertThat(parsed).extracting(ResultLine::durability).containsExactly("fsync", "batched");
        assertThat(parsed).allSatisfy(line -> assertThat(line.p50Ms()).isPresent());
    }
}
