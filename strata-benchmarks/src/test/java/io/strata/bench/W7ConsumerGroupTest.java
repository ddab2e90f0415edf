package io.strata.bench;

import static io.strata.bench.ResultLineChecks.leftIn;
import static io.strata.bench.ResultLineChecks.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * W7 at tiny sizes on each target: one valid result line, every appended event acked, per-stream order
 * kept. No assertion on speed. And the order check itself, which decides whether a run counts.
 */
class W7ConsumerGroupTest {
    private static final WorkloadSizes TINY = WorkloadRunnerTest.TINY;

    @TempDir
    Path work;

    private final List<String> lines = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    @Test
    void embeddedAcksEveryAppendedEventInOrder() throws IOException {
        int exit = WorkloadRunner.run(request("strata-embedded"), TINY, lines::add, progress::add);

        assertThat(exit).as("exit code; progress:\n%s", String.join("\n", progress)).isZero();
        Map<String, Object> line = onlyLine();
        assertValidW7Line(line, "strata-embedded");
        assertThat(line).containsEntry("consumerApi", "ConsumerGroup.fetch + ack, in-process").containsEntry("fetchMax", 100.0);
        assertThat(number(line, "p50Ms")).isPositive().isLessThanOrEqualTo(number(line, "p99Ms"));
        assertThat(leftIn(work)).as("the run deletes its folder, groups included").isEmpty();
    }

    @Test
    void httpAcksEveryAppendedEventInOrder() throws IOException {
        int exit = WorkloadRunner.run(request("strata-http"), TINY, lines::add, progress::add);

        assertThat(exit).as("exit code; progress:\n%s", String.join("\n", progress)).isZero();
        Map<String, Object> line = onlyLine();
        assertValidW7Line(line, "strata-http");
        assertThat(line).containsEntry("server", "in-process").containsEntry("fetchMax", 100.0)
                .containsEntry("consumerApi", "HttpGroupsClient fetch + ack, JSON over HTTP/1.1");
        assertThat(number(line, "p50Ms")).isPositive().isLessThanOrEqualTo(number(line, "p99Ms"));
        assertThat(leftIn(work)).isEmpty();
    }

    /**
     * Through the workload directly, with a target that is only named {@code strata-grpc} (its setup goes
     * to the engine): the driver's {@code strata-grpc} target may not exist yet, W7's gRPC consumers do.
     */
    @Test
    void grpcGroupConsumersAckEveryAppendedEventInOrder() throws Exception {
        Path folder = Files.createDirectory(work.resolve("w7"));
        RunContext context = new RunContext("W7", TINY, Durability.FSYNC, folder, new NamedGrpc(), progress::add);

        Measurement measurement = new W7ConsumerGroup().run(context);

        Map<String, Object> line = FlatJson.parse(WorkloadRunner.line("W7", Targets.GRPC, Map.of(), Durability.FSYNC,
                true, measurement));
        assertValidW7Line(line, Targets.GRPC);
        assertThat(line).containsEntry("consumerApi", "GroupConsumer, one Consume stream each")
                .containsEntry("prefetch", 256.0).containsEntry("latency", "not measured");
        assertThat(line.get("p50Ms")).as("no latency over gRPC").isNull();
    }

    @Test
    void orderCheckAcceptsRevisionOrderAndARepeatOfTheLatestAfterATimeout() {
        StreamOrder order = new StreamOrder("w7-", 2);

        order.delivered("w7-0", 0, 1);
        order.delivered("w7-1", 0, 1);
        order.delivered("w7-0", 1, 1);
        order.delivered("w7-0", 1, 2); // its ack was late: delivered again

        assertThat(order.violations()).isZero();
        assertThat(order.repeats()).isEqualTo(1);
    }

    @Test
    void orderCheckCountsSkipsAndOlderEventsAsViolations() {
        StreamOrder order = new StreamOrder("w7-", 1);

        order.delivered("w7-0", 0, 1);
        order.delivered("w7-0", 2, 1); // revision 1 skipped
        order.delivered("w7-0", 1, 1);
        order.delivered("w7-0", 0, 3); // a repeat, but not of the latest
        order.delivered("w7-0", 1, 1); // the latest again, yet called a first delivery

        assertThat(order.violations()).isEqualTo(3);
        assertThat(order.firstViolation()).isEqualTo("w7-0@2 (delivery 1) arrived when revision 1 was next");
    }

    @Test
    void aPassWithAViolationIsInvalid() {
        GroupPass pass = new GroupPass("w7-", 1);
        pass.delivered("w7-0", 1, 1);

        assertThatThrownBy(pass::throwIfOutOfOrder).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 deliveries broke per-stream order");
    }

    private void assertValidW7Line(Map<String, Object> line, String target) {
        assertThat(new ArrayList<>(line.keySet()).subList(0, WorkloadRunnerTest.REQUIRED.size()))
                .isEqualTo(WorkloadRunnerTest.REQUIRED);
        assertThat(line.keySet()).endsWith("quick", "machine");
        assertThat(line).containsEntry("workload", "W7").containsEntry("target", target)
                .containsEntry("clients", 8.0)
                .containsEntry("events", (double) TINY.w7Events())
                .containsEntry("appended", (double) TINY.w7Events())
                .containsEntry("streams", (double) TINY.w7Streams())
                .containsEntry("ordering", "per-stream")
                .containsEntry("orderViolations", 0.0);
        assertThat(number(line, "deliveries")).isGreaterThanOrEqualTo(TINY.w7Events());
        assertThat(number(line, "eventsPerSecond")).isPositive();
        assertThat(number(line, "cpuMicrosPerEvent")).isPositive();
        assertThat(progress).anyMatch(p -> p.startsWith("W7 warm-up"));
    }

    private BenchRequest request(String target) {
        return new BenchRequest(List.of("W7"), target, TINY.quick(), Durability.FSYNC, work);
    }

    private Map<String, Object> onlyLine() {
        return ResultLineChecks.onlyLine(lines, progress);
    }



    /** Named strata-grpc; its stores are the engine's. */
    private static final class NamedGrpc implements Target {
        @Override
        public String name() {
            return Targets.GRPC;
        }

        @Override
        public EventStore open(Path folder, Durability durability) {
            return new EmbeddedTarget().open(folder, durability);
        }
    }
}
