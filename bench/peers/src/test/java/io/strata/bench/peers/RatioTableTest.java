package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RatioTableTest {
    /** Strata's W2 lines at each acknowledgement, for the peers' lines to meet the right one. */
    private static final List<ResultLine> STRATA_W2 = List.of(
            line("W2", "strata-grpc", "fsync", 10_000, 1, 1),
            line("W2", "strata-grpc", "batched", 40_000, 1, 1),
            line("W2", "strata-grpc", "none", 1_000_000, 1, 1));

    private static ResultLine line(String workload, String target, String durability, double eventsPerSecond, double p50, double p99) {
        return ResultLine.parse("{\"workload\": \"" + workload + "\", \"target\": \"" + target + "\", \"durability\": \""
                + durability + "\", \"eventBytes\": 256, \"clients\": 1, \"events\": 10, \"seconds\": 1, \"eventsPerSecond\": "
                + eventsPerSecond + ", \"p50Ms\": " + p50 + ", \"p99Ms\": " + p99 + ", \"p999Ms\": 9}");
    }

    private static ResultLine notSupported(String workload, String target, String durability, String reason) {
        return ResultLine.parse("{\"workload\": \"" + workload + "\", \"target\": \"" + target + "\", \"durability\": \""
                + durability + "\", \"eventBytes\": 256, \"notSupported\": \"" + reason + "\"}");
    }

    private static List<ResultLine> with(List<ResultLine> lines, ResultLine line) {
        List<ResultLine> all = new ArrayList<>(lines);
        all.add(line);
        return all;
    }

    private static RatioTable.Ratio only(List<RatioTable.Ratio> ratios, String workload, Acknowledgement ack, String peer) {
        return ratios.stream().filter(r -> r.workload().equals(workload) && r.acknowledgement() == ack && r.peer().equals(peer))
                .findFirst().orElseThrow();
    }

    @Test
    void throughputRatiosAreStrataOverPeer() {
        RatioTable table = new RatioTable(List.of(
                line("W3", "strata-grpc", "fsync", 300_000, 1, 2),
                line("W3", "strata-embedded", "fsync", 600_000, 1, 2),
                line("W3", "kafka", "fsync", 150_000, 1, 2)));

        RatioTable.Ratio ratio = only(table.ratios(), "W3", Acknowledgement.ON_DISK, "kafka");

        assertThat(ratio.likeForLike()).isEqualTo(OptionalDouble.of(2.0));
        assertThat(ratio.byStrataTarget().get("strata-embedded")).isEqualTo(OptionalDouble.of(4.0));
        assertThat(ratio.byStrataTarget().get("strata-http")).isEmpty();
    }

    /** Cases of Strata ÷ peer on strata-grpc: the workload, acknowledgement and peer, the ratio, and the lines. */
    static Stream<Arguments> likeForLikeRatios() {
        return Stream.of(
                argumentSet("latency is peer over Strata, so that above 1 still means Strata ahead",
                        "W1", Acknowledgement.ON_DISK, "postgres", 4.0, List.of(
                                line("W1", "strata-grpc", "fsync", 1, 0.5, 1),
                                line("W1", "postgres", "fsync", 1, 2.0, 1))),
                argumentSet("W6 is compared on p99, not p50",
                        "W6", Acknowledgement.BEFORE_FSYNC, "nats-jetstream", 0.25, List.of(
                                line("W6", "strata-grpc", "batched", 1, 1, 40),
                                line("W6", "nats-jetstream", "page-cache", 1, 1, 10))),
                argumentSet("Strata batched is compared with a page-cache peer",
                        "W2", Acknowledgement.BEFORE_FSYNC, "kafka", 2.0,
                        with(STRATA_W2, line("W2", "kafka", "page-cache", 20_000, 1, 1))),
                argumentSet("Strata fsync is compared with an fsync peer",
                        "W2", Acknowledgement.ON_DISK, "postgres", 2.0,
                        with(STRATA_W2, line("W2", "postgres", "fsync", 5_000, 1, 1))),
                argumentSet("a later line for the same cell replaces the earlier one",
                        "W4", Acknowledgement.ON_DISK, "postgres", 3.0, List.of(
                                line("W4", "strata-grpc", "fsync", 100, 1, 1),
                                line("W4", "postgres", "fsync", 100, 1, 1),
                                line("W4", "strata-grpc", "fsync", 300, 1, 1))));
    }

    @ParameterizedTest
    @MethodSource("likeForLikeRatios")
    void theLikeForLikeRatioMeetsTheStrataLineOfTheSameAcknowledgement(String workload, Acknowledgement ack, String peer,
                                                                       double expected, List<ResultLine> lines) {
        assertThat(only(new RatioTable(lines).ratios(), workload, ack, peer).likeForLike()).isEqualTo(OptionalDouble.of(expected));
    }

    @Test
    void aPageCachePeerHasNoRatioOnDisk() {
        RatioTable table = new RatioTable(with(STRATA_W2, line("W2", "kafka", "page-cache", 20_000, 1, 1)));

        assertThat(table.ratios()).noneMatch(r -> r.peer().equals("kafka") && r.acknowledgement() == Acknowledgement.ON_DISK);
    }

    @Test
    void theBarDependsOnThePeer() {
        RatioTable table = new RatioTable(List.of(
                line("W3", "strata-grpc", "fsync", 400_000, 1, 1),
                line("W3", "kafka", "fsync", 390_000, 1, 1),
                line("W3", "postgres", "fsync", 100_000, 1, 1),
                line("W3", "strata-grpc", "batched", 400_000, 1, 1),
                line("W3", "nats-jetstream", "page-cache", 210_000, 1, 1)));

        assertThat(only(table.ratios(), "W3", Acknowledgement.ON_DISK, "kafka").barMet()).contains(true);  // 1.03 ≥ 1
        assertThat(only(table.ratios(), "W3", Acknowledgement.ON_DISK, "postgres").barMet()).contains(false); // 4 < 5
        assertThat(only(table.ratios(), "W3", Acknowledgement.BEFORE_FSYNC, "nats-jetstream").barMet()).contains(false); // 1.9 < 2
        assertThat(table.markdown()).contains("| W3 | fsync | postgres | — | 4.00× | — | ≥ 5×: **missed** |")
                .contains("| W3 | fsync | kafka | — | 1.03× | — | ≥ 1×: met |");
    }

    @Test
    void notSupportedIsShownWithItsReasonAndHasNoRatioNorBar() {
        RatioTable table = new RatioTable(List.of(
                line("W2", "strata-grpc", "fsync", 10_000, 1, 1),
                notSupported("W2", "kafka", "fsync", "no conditional append")));

        RatioTable.Ratio ratio = only(table.ratios(), "W2", Acknowledgement.ON_DISK, "kafka");
        assertThat(ratio.notSupported()).contains("no conditional append");
        assertThat(ratio.barMet()).isEmpty();
        assertThat(table.markdown())
                .contains("| W2 | events/s | fsync | 10,000/s | not supported |")
                .contains("| W2 | fsync | kafka | not supported | not supported | not supported | — |")
                .contains("- kafka, W2: no conditional append");
    }

    @Test
    void theFiguresTableHasAColumnPerTargetSeenAndARowPerWorkloadAndAcknowledgement() {
        RatioTable table = new RatioTable(List.of(
                line("W1", "strata-embedded", "fsync", 1, 0.25, 1),
                line("W1", "strata-embedded", "batched", 1, 0.0421, 1),
                line("W1", "kafka", "fsync", 1, 3.5, 1),
                line("W1", "kafka", "page-cache", 1, 123.4, 1)));

        assertThat(table.markdown()).startsWith("""
                | workload | figure | acknowledged | strata-embedded | kafka |
                |---|---|---|---|---|
                | W1 | p50 of an append | fsync | 0.250 ms | 3.50 ms |
                | W1 | p50 of an append | before fsync | 0.042 ms | 123 ms |
                """);
    }
}
