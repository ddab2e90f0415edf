package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.bench.WorkloadSizes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs workloads at a hundredth of their quick size through {@link SideBySide}, for the end-to-end tests. */
final class TinyRuns {
    static final WorkloadSizes TINY = WorkloadSizes.forQuickRun().scaled(0.01);

    private TinyRuns() {
    }

    /** Runs {@code workloads} on every target of the running {@code server}; returns each line's JSON by "workload durability". */
    static Map<String, JsonNode> run(Path work, ChildProcesses processes, PeerServer server, String workloads) {
        PeersOptions options = PeersOptions.parse("--strata", "", "--peers", "", "--workloads", workloads, "--work", work.toString());
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        int exit = new SideBySide(options, TINY, processes, lines::add, progress::add).runWith(List.of(server));
        assertThat(exit).as("exit code; progress:\n%s", String.join("\n", progress)).isZero();
        JsonMapper json = JsonMapper.builder().build();
        return lines.stream().map(json::readTree).collect(Collectors.toMap(
                line -> line.get("workload").asString() + " " + line.get("durability").asString(), Function.identity()));
    }
}
