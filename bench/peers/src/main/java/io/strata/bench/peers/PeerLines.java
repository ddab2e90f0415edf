package io.strata.bench.peers;

import io.strata.bench.JsonLine;
import io.strata.bench.MachineInfo;
import io.strata.bench.WorkloadSizes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result lines of the peers, in the format of the Strata driver (bench/WORKLOADS.md): the same
 * fields in the same order, then the workload's extras, the target's facts, the client threads,
 * {@code quick} and {@code machine}. A workload a peer has no equivalent for gets a line too, with
 * {@code notSupported} saying why, so that the table can be rebuilt from the lines alone.
 */
final class PeerLines {
    private PeerLines() {
    }

    /** The line of a run of {@code workload} on {@code target}; {@code facts} are the target's. */
    static String result(String workload, String target, String durability, Map<String, Object> facts, boolean quick,
                         PeerMeasurement m) {
        JsonLine json = new JsonLine()
                .add("workload", workload)
                .add("target", target)
                .add("durability", durability)
                .add("eventBytes", WorkloadSizes.EVENT_BYTES)
                .add("clients", m.clients())
                .add("events", m.events())
                .add("seconds", m.seconds(), 3)
                .add("eventsPerSecond", Math.round(m.eventsPerSecond()))
                .add("p50Ms", PeerMeasurement.millis(m.latencyNanos(), 50), 3)
                .add("p99Ms", PeerMeasurement.millis(m.latencyNanos(), 99), 3)
                .add("p999Ms", PeerMeasurement.millis(m.latencyNanos(), 99.9), 3);
        m.extras().forEach((name, value) -> add(json, name, value));
        facts.forEach((name, value) -> add(json, name, value));
        json.add("clientThreads", "platform");
        return end(json, quick);
    }

    /** The line saying that {@code target} has no equivalent of {@code workload}, and why. */
    static String notSupported(String workload, String target, String durability, Map<String, Object> facts, boolean quick,
                               String reason) {
        JsonLine json = new JsonLine()
                .add("workload", workload)
                .add("target", target)
                .add("durability", durability)
                .add("eventBytes", WorkloadSizes.EVENT_BYTES)
                .add("notSupported", reason);
        facts.forEach((name, value) -> add(json, name, value));
        return end(json, quick);
    }

    private static String end(JsonLine json, boolean quick) {
        if (quick) {
            json.add("quick", true);
        }
        return json.add("machine", MachineInfo.description()).toString();
    }

    private static void add(JsonLine json, String name, Object value) {
        switch (value) {
            case Double d -> json.add(name, d, 3);
            case Float f -> json.add(name, f.doubleValue(), 3);
            case Number n -> json.add(name, n.longValue());
            case Boolean b -> json.add(name, b);
            default -> json.add(name, String.valueOf(value));
        }
    }

    /** The facts as an immutable, ordered map, for targets to build theirs. */
    static Map<String, Object> facts(Object... namesAndValues) {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            facts.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(facts);
    }
}
