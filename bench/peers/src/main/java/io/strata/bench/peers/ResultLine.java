package io.strata.bench.peers;

import java.util.Optional;
import java.util.OptionalDouble;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of one result line (bench/WORKLOADS.md) that the comparison reads, from a Strata target
 * or a peer. A line of a workload the target has no equivalent for carries {@code notSupported}.
 */
record ResultLine(String workload, String target, String durability, OptionalDouble eventsPerSecond,
                  OptionalDouble p50Ms, OptionalDouble p99Ms, Optional<String> notSupported) {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    static ResultLine parse(String line) {
        JsonNode json = JSON.readTree(line);
        return new ResultLine(text(json, "workload"), text(json, "target"), text(json, "durability"),
                number(json, "eventsPerSecond"), number(json, "p50Ms"), number(json, "p99Ms"),
                json.hasNonNull("notSupported") ? Optional.of(json.get("notSupported").asString()) : Optional.empty());
    }

    private static String text(JsonNode json, String field) {
        if (!json.hasNonNull(field)) {
            throw new IllegalArgumentException("a result line without '" + field + "': " + json);
        }
        return json.get(field).asString();
    }

    private static OptionalDouble number(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isNumber() ? OptionalDouble.of(value.doubleValue()) : OptionalDouble.empty();
    }
}
