package io.strata.bench.peers;

import io.strata.bench.JsonLine;
import io.strata.bench.ResultLines;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result lines of the peers, in the format of the Strata driver (bench/WORKLOADS.md), built by its
 * {@link ResultLines}: the same fields in the same order, then the workload's extras, the target's
 * facts, the client threads, {@code quick} and {@code machine}. A workload a peer has no equivalent for
 * gets a line too, with {@code notSupported} saying why, so that the table can be rebuilt from the lines
 * alone.
 */
final class PeerLines {
    private PeerLines() {
    }

    /** The line of a run of {@code workload} on {@code target}; {@code facts} are the target's. */
    static String result(String workload, String target, String durability, Map<String, Object> facts, boolean quick,
                         PeerMeasurement m) {
        JsonLine json = ResultLines.start(workload, target, durability);
        ResultLines.addFigures(json, m.clients(), m.events(), m.seconds(), m.eventsPerSecond(), m.latencyNanos());
        return ResultLines.endMeasured(json, m.extras(), facts, quick);
    }

    /** The line saying that {@code target} has no equivalent of {@code workload}, and why. */
    static String notSupported(String workload, String target, String durability, Map<String, Object> facts, boolean quick,
                               String reason) {
        return ResultLines.end(ResultLines.start(workload, target, durability).add("notSupported", reason).addAll(facts), quick);
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
