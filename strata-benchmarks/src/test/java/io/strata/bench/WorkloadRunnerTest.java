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
 * Runs every workload against the embedded engine at a thousandth of its quick size and checks the
 * result line: its fields, its order and that the values make sense. No assertion on speed: figures
 * come from running the benchmarks, never from tests. {@link HttpTargetTest} and {@link GrpcTargetTest} do the same over a server.
 */
class WorkloadRunnerTest {
    /** A thousandth of quick, with the floors of {@link WorkloadSizes#scaled}. */
    static final WorkloadSizes TINY = WorkloadSizes.forQuickRun().scaled(0.001);
    static final List<String> REQUIRED = List.of("workload", "target", "durability", "eventBytes", "clients",
            "events", "seconds", "eventsPerSecond", "p50Ms", "p99Ms", "p999Ms");

    @TempDir
    Path work;

    private final List<String> lines = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    @ParameterizedTest
    @ValueSource(strings = {"W1", "W2", "W3", "W4", "W5", "W6"})
    void eachWorkloadPrintsOneResultLineWithTheRequiredFields(String workload) throws IOException {
        int exit = run(TINY, Durability.FSYNC, "strata-embedded", workload);

        assertThat(exit).as("exit code; progress:\n%s", String.join("\n", progress)).isZero();
        Map<String, Object> line = onlyLine();
        assertThat(new ArrayList<>(line.keySet()).subList(0, REQUIRED.size())).isEqualTo(REQUIRED);
        assertThat(line.keySet()).endsWith("quick", "machine");
        assertThat(line).containsEntry("workload", workload)
                .containsEntry("target", "strata-embedded")
                .containsEntry("durability", "fsync")
                .containsEntry("eventBytes", 256.0)
                .containsEntry("quick", true);
        assertThat(number(line, "events")).isPositive();
        assertThat(number(line, "seconds")).isPositive();
        assertThat(number(line, "eventsPerSecond")).isPositive();
        assertThat(number(line, "p50Ms")).isGreaterThanOrEqualTo(0);
        assertThat(number(line, "p50Ms")).isLessThanOrEqualTo(number(line, "p99Ms"));
        assertThat(number(line, "p99Ms")).isLessThanOrEqualTo(number(line, "p999Ms"));
        assertThat((String) line.get("machine")).contains("cores", "JDK ");
        assertThat(progress).anyMatch(p -> p.startsWith(workload + " measuring"));
        assertThat(leftIn(work)).as("the run deletes its folder").isEmpty();
    }

    @Test
    void w1ComparesItsMedianWithABareWriteAndFsyncInTheSameRun() {
        run(TINY, Durability.FSYNC, "strata-embedded", "W1");

        Map<String, Object> line = onlyLine();
        assertThat(line).containsEntry("clients", 1.0).containsEntry("events", (double) TINY.w1Appends());
        assertThat(number(line, "baselineFsyncP50Ms")).isPositive();
        assertThat(number(line, "ratioToBaseline"))
                .isCloseTo(number(line, "p50Ms") / number(line, "baselineFsyncP50Ms"),
                        org.assertj.core.data.Percentage.withPercentage(5));
    }

    @Test
    void w2RunsSixtyFourClientsWithExactExpectedRevisions() {
        run(TINY, Durability.FSYNC, "strata-embedded", "W2");

        Map<String, Object> line = onlyLine();
        assertThat(line).containsEntry("clients", 64.0).containsEntry("expectedRevision", "exact")
                .containsEntry("streams", (double) TINY.w2Streams());
    }

    @Test
    void w3CountsEventsAsAppendsTimesOneHundred() {
        run(TINY, Durability.FSYNC, "strata-embedded", "W3");

        Map<String, Object> line = onlyLine();
        assertThat(line).containsEntry("clients", 8.0).containsEntry("eventsPerAppend", 100.0);
        assertThat(number(line, "events")).isEqualTo(number(line, "appends") * 100);
    }

    @Test
    void w4ReadsBackEveryEventWrittenAfterItsWarmUpAndSaysTheSetupWasNotDurable() {
        run(TINY, Durability.FSYNC, "strata-embedded", "W4");

        Map<String, Object> line = onlyLine();
        assertThat(line).containsEntry("events", (double) TINY.w4Events()).containsEntry("setupDurability", "none");
        assertThat(number(line, "mbPerSecond")).isPositive();
        assertThat(number(line, "payloadBytes")).isEqualTo(TINY.w4Events() * 256.0);
        assertThat(number(line, "warmupSeconds")).isGreaterThanOrEqualTo(TINY.w4Warmup().toMillis() / 1e3);
        assertThat(number(line, "warmupEvents")).isPositive();
    }

    @Test
    void w5ReadsTheLongStreamWholeEachTime() {
        run(TINY, Durability.FSYNC, "strata-embedded", "W5");

        Map<String, Object> line = onlyLine();
        assertThat(line).containsEntry("reads", (double) TINY.w5Reads())
                .containsEntry("streamEvents", (double) TINY.w5HotEvents())
                .containsEntry("events", (double) TINY.w5Reads() * TINY.w5HotEvents());
    }

    @Test
    void w6DeliversEveryMeasuredEventToEverySubscriber() {
        run(TINY, Durability.FSYNC, "strata-embedded", "W6");

        Map<String, Object> line = onlyLine();
        assertThat(line).containsEntry("subscribers", 100.0).containsEntry("targetEventsPerSecond", 10_000.0);
        assertThat(number(line, "deliveries")).isEqualTo(number(line, "events") * 100);
    }

    @Test
    void durabilityOfTheRequestIsOnTheLine() {
        int exit = run(TINY, Durability.NONE, "strata-embedded", "W1");

        assertThat(exit).isZero();
        assertThat(onlyLine()).containsEntry("durability", "none");
    }

    @Test
    void aFullRunIsNotMarkedQuick() {
        WorkloadSizes fullButTiny = WorkloadSizes.full().scaled(0.0001);
        assertThat(fullButTiny.quick()).isFalse();

        int exit = run(fullButTiny, Durability.FSYNC, "strata-embedded", "W1");

        assertThat(exit).isZero();
        assertThat(onlyLine()).doesNotContainKey("quick");
    }

    @Test
    void peersAreRefusedWithWhereTheyRun() {
        int exit = run(TINY, Durability.FSYNC, "kafka", "W1");

        assertThat(exit).isEqualTo(1);
        assertThat(lines).isEmpty();
        assertThat(progress).anyMatch(p -> p.contains("kafka is a peer: peers run with bench/peers/run"));
    }

    @Test
    void unknownWorkloadsAndTargetsAreRefusedBeforeAnythingRuns() {
        assertThat(run(TINY, Durability.FSYNC, "strata-embedded", "W1", "W9")).isEqualTo(1);
        assertThat(run(TINY, Durability.FSYNC, "mongodb", "W1")).isEqualTo(1);
        assertThat(run(TINY, Durability.FSYNC, "strata-embedded")).isEqualTo(1);
        assertThat(lines).isEmpty();
        assertThat(progress).anyMatch(p -> p.contains("unknown workload 'W9'"))
                .anyMatch(p -> p.contains("unknown target 'mongodb'"));
    }

    private int run(WorkloadSizes sizes, Durability durability, String target, String... workloads) {
        BenchRequest request = new BenchRequest(List.of(workloads), target, sizes.quick(), durability, work);
        return WorkloadRunner.run(request, sizes, lines::add, progress::add);
    }

    private Map<String, Object> onlyLine() {
        return ResultLineChecks.onlyLine(lines, progress);
    }


}
