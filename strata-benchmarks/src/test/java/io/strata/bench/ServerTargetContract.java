package io.strata.bench;

import static io.strata.bench.ResultLineChecks.leftIn;
import static io.strata.bench.ResultLineChecks.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The workloads against a server target: a real server started in the test's JVM on the run's folder,
 * spoken to by the target's client, at a thousandth of the quick size. Checks the result lines as
 * {@link WorkloadRunnerTest} does, and that they say where the server ran and over what. No assertion on
 * speed. A subclass names the target and its protocol.
 */
abstract class ServerTargetContract {
    private static final WorkloadSizes TINY = WorkloadRunnerTest.TINY;

    @TempDir
    Path work;

    private final List<String> lines = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    /** The target's name on the result line, e.g. {@code strata-http}. */
    abstract String target();

    /** The line's {@code protocol} extra. */
    abstract String protocol();

    @ParameterizedTest
    @ValueSource(strings = {"W1", "W3", "W4", "W5"})
    void eachWorkloadRunsAndSaysTheServerRanInProcess(String workload) throws IOException {
        int exit = run(Durability.FSYNC, workload);

        assertThat(exit).as("exit code; progress:\n%s", String.join("\n", progress)).isZero();
        assertValidLine(onlyLine(), workload);
    }

    @Test
    void w2KeepsItsExactExpectedRevisions() throws IOException {
        run(Durability.FSYNC, "W2");

        Map<String, Object> line = onlyLine();
        assertValidLine(line, "W2");
        assertThat(line).containsEntry("clients", 64.0).containsEntry("expectedRevision", "exact")
                .containsEntry("streams", (double) TINY.w2Streams());
    }

    @Test
    void w6DeliversEveryMeasuredEventToEverySubscriber() throws IOException {
        run(Durability.FSYNC, "W6");

        Map<String, Object> line = onlyLine();
        assertValidLine(line, "W6");
        assertThat(line).containsEntry("subscribers", 100.0);
        assertThat(number(line, "deliveries")).isEqualTo(number(line, "events") * 100);
    }

    @Test
    void theServerAcknowledgesWithTheDurabilityAsked() {
        int exit = run(Durability.NONE, "W1");

        assertThat(exit).isZero();
        assertThat(onlyLine()).containsEntry("durability", "none");
    }

    /** The fields of bench/WORKLOADS.md first, then extras that say the server ran in this JVM, and how it was reached. */
    private void assertValidLine(Map<String, Object> line, String workload) throws IOException {
        assertThat(new ArrayList<>(line.keySet()).subList(0, WorkloadRunnerTest.REQUIRED.size()))
                .isEqualTo(WorkloadRunnerTest.REQUIRED);
        assertThat(line.keySet()).endsWith("quick", "machine");
        assertThat(line).containsEntry("workload", workload)
                .containsEntry("target", target())
                .containsEntry("durability", "fsync")
                .containsEntry("server", "in-process")
                .containsEntry("protocol", protocol());
        assertThat(number(line, "events")).isPositive();
        assertThat(number(line, "eventsPerSecond")).isPositive();
        assertThat(number(line, "p50Ms")).isPositive().isLessThanOrEqualTo(number(line, "p99Ms"));
        assertThat(progress).anyMatch(p -> p.startsWith(workload + " starting against " + target()));
        assertThat(leftIn(work)).as("the run deletes its folder, server files included").isEmpty();
    }

    private int run(Durability durability, String... workloads) {
        BenchRequest request = new BenchRequest(List.of(workloads), target(), TINY.quick(), durability, work);
        return WorkloadRunner.run(request, TINY, lines::add, progress::add);
    }

    private Map<String, Object> onlyLine() {
        return ResultLineChecks.onlyLine(lines, progress);
    }


}
