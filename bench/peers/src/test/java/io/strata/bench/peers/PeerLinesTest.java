package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.bench.MachineInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PeerLinesTest {
    private static final Map<String, Object> FACTS = PeerLines.facts("acks", "all", "partitions", 1);

    private static JsonNode json(String line) {
        return JsonMapper.builder().build().readTree(line);
    }

    private static List<String> fieldNames(String line) {
        List<String> names = new ArrayList<>();
        json(line).propertyNames().forEach(names::add);
        return names;
    }

    private static PeerMeasurement measurement() {
        Histogram latency = PeerMeasurement.newHistogram();
        for (long micros = 1; micros <= 1000; micros++) {
            latency.recordValue(micros * 1000);
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("eventsPerAppend", 100);
        extras.put("appendsPerSecond", 12.3456);
        extras.put("batch", "not atomic");
        return new PeerMeasurement(8, 50_000, 2.5, latency, extras);
    }

    @Test
    void aResultLineHasTheFieldsOfWorkloadsMdInOrderThenExtrasFactsAndMachine() {
        String line = PeerLines.result("W3", "kafka", "fsync", FACTS, false, measurement());

        assertThat(fieldNames(line)).containsExactly("workload", "target", "durability", "eventBytes", "clients", "events",
                "seconds", "eventsPerSecond", "p50Ms", "p99Ms", "p999Ms", "eventsPerAppend", "appendsPerSecond", "batch",
                "acks", "partitions", "clientThreads", "machine");
        JsonNode json = json(line);
        assertThat(json.get("workload").asString()).isEqualTo("W3");
        assertThat(json.get("target").asString()).isEqualTo("kafka");
        assertThat(json.get("durability").asString()).isEqualTo("fsync");
        assertThat(json.get("eventBytes").asInt()).isEqualTo(256);
        assertThat(json.get("clients").asInt()).isEqualTo(8);
        assertThat(json.get("eventsPerSecond").asLong()).isEqualTo(20_000);
        assertThat(json.get("p50Ms").asDouble()).isBetween(0.49, 0.51);
        assertThat(json.get("p99Ms").asDouble()).isBetween(0.98, 1.0);
        assertThat(json.get("appendsPerSecond").asDouble()).isEqualTo(12.346);
        assertThat(json.get("partitions").asInt()).isEqualTo(1);
        assertThat(json.get("machine").asString()).isEqualTo(MachineInfo.description());
    }

    @Test
    void aQuickRunSaysSoBeforeTheMachine() {
        List<String> names = fieldNames(PeerLines.result("W3", "kafka", "fsync", FACTS, true, measurement()));

        assertThat(names.subList(names.size() - 2, names.size())).containsExactly("quick", "machine");
    }

    @Test
    void aRunWithoutLatenciesHasNullPercentiles() {
        PeerMeasurement empty = new PeerMeasurement(1, 0, 1, PeerMeasurement.newHistogram(), Map.of());

        JsonNode json = json(PeerLines.result("W1", "postgres", "fsync", FACTS, false, empty));

        assertThat(json.get("p50Ms").isNull()).isTrue();
        assertThat(ResultLine.parse(PeerLines.result("W1", "postgres", "fsync", FACTS, false, empty)).p50Ms()).isEmpty();
    }

    @Test
    void aNotSupportedLineSaysWhyAndReadsBackAsSuch() {
        String line = PeerLines.notSupported("W2", "kafka", "page-cache", FACTS, false, "no conditional append");

        assertThat(fieldNames(line)).startsWith("workload", "target", "durability", "eventBytes", "notSupported");
        ResultLine parsed = ResultLine.parse(line);
        assertThat(parsed.notSupported()).contains("no conditional append");
        assertThat(parsed.eventsPerSecond()).isEmpty();
        assertThat(parsed.durability()).isEqualTo("page-cache");
    }

    @Test
    void aResultLineReadsBackWithItsFigures() {
        ResultLine parsed = ResultLine.parse(PeerLines.result("W3", "kafka", "fsync", FACTS, false, measurement()));

        assertThat(parsed.workload()).isEqualTo("W3");
        assertThat(parsed.target()).isEqualTo("kafka");
        assertThat(parsed.eventsPerSecond()).isEqualTo(OptionalDouble.of(20_000));
        assertThat(parsed.notSupported()).isEmpty();
    }

    @Test
    void aStrataDriverLineReadsBackToo() {
        // a line as the Strata driver printed it in docs/benchmarks.md (W7 over gRPC has no latencies)
        ResultLine parsed = ResultLine.parse("{\"workload\": \"W7\", \"target\": \"strata-grpc\", \"durability\": \"fsync\","
                + " \"eventBytes\": 256, \"clients\": 8, \"events\": 1000000, \"seconds\": 5.819, \"eventsPerSecond\": 171853,"
                + " \"p50Ms\": null, \"p99Ms\": null, \"p999Ms\": null, \"server\": \"in-process\", \"machine\": \"2 cores\"}");

        assertThat(parsed.eventsPerSecond()).isEqualTo(OptionalDouble.of(171_853));
        assertThat(parsed.p50Ms()).isEmpty();
        assertThat(parsed.p99Ms()).isEmpty();
    }
}
