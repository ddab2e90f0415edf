package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The workloads against {@code strata-grpc}: a real server started in the test's JVM on the run's
 * folder, spoken to by one shared {@code StrataClient}, at a thousandth of the quick size. Checks the
 * result lines as {@link ServerTargetTest} does for {@code strata-http}. No assertion on speed.
 */
class GrpcTargetTest {
    private static final WorkloadSizes TINY = WorkloadRunnerTest.TINY;

    @TempDir
    Path work;

    private final List<String> lines = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    @ParameterizedTest
    @ValueSource(strings = {"W1", "W2", "W3", "W4", "W5", "W6"})
    void eachWorkloadRunsOverGrpcAndSaysTheServerRanInProcess(String workload) throws IOException {
        int exit = run(Durability.FSYNC, workload);

        assertThat(exit).as("exit code; progress:\n%s", String.join("\n", progress)).isZero();
        Map<String, Object> line = onlyLine();
        assertThat(new ArrayList<>(line.keySet()).subList(0, WorkloadRunnerTest.REQUIRED.size()))
                .isEqualTo(WorkloadRunnerTest.REQUIRED);
        assertThat(line).containsEntry("workload", workload)
                .containsEntry("target", "strata-grpc")
                .containsEntry("durability", "fsync")
                .containsEntry("server", "in-process")
                .containsEntry("protocol", "gRPC (HTTP/2, protobuf)");
        assertThat(number(line, "events")).isPositive();
        assertThat(number(line, "eventsPerSecond")).isPositive();
        assertThat(number(line, "p50Ms")).isPositive().isLessThanOrEqualTo(number(line, "p99Ms"));
        assertThat(progress).anyMatch(p -> p.startsWith(workload + " starting against strata-grpc"));
        assertThat(leftIn(work)).as("the run deletes its folder, server files included").isEmpty();
    }

    @Test
    void w2OverGrpcKeepsItsExactExpectedRevisions() {
        run(Durability.FSYNC, "W2");

        assertThat(onlyLine()).containsEntry("clients", 64.0).containsEntry("expectedRevision", "exact")
                .containsEntry("streams", (double) TINY.w2Streams());
    }

    @Test
    void w6OverGrpcDeliversEveryMeasuredEventToEverySubscriber() {
        run(Durability.FSYNC, "W6");

        Map<String, Object> line = onlyLine();
        assertThat(line).containsEntry("subscribers", 100.0);
        assertThat(number(line, "deliveries")).isEqualTo(number(line, "events") * 100);
    }

    @Test
    void theServerAcknowledgesWithTheDurabilityAsked() {
        int exit = run(Durability.NONE, "W1");

        assertThat(exit).isZero();
        assertThat(onlyLine()).containsEntry("durability", "none");
    }

    private int run(Durability durability, String... workloads) {
        BenchRequest request = new BenchRequest(List.of(workloads), "strata-grpc", TINY.quick(), durability, work);
        return WorkloadRunner.run(request, TINY, lines::add, progress::add);
    }

    private Map<String, Object> onlyLine() {
        assertThat(lines).as("result lines; progress:\n%s", String.join("\n", progress)).hasSize(1);
        return FlatJson.parse(lines.get(0));
    }

    private static double number(Map<String, Object> line, String field) {
        assertThat(line).containsKey(field);
        return (Double) line.get(field);
    }

    private static List<Path> leftIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
