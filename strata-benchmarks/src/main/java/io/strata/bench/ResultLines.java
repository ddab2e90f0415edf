package io.strata.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The result line of {@code bench/WORKLOADS.md}, piece by piece, for this driver ({@link WorkloadRunner})
 * and the peers' harness ({@code bench/peers}), so that the lines of both have the same fields in the
 * same order and a table can be built from them together:
 *
 * <pre>
 *   workload, target, durability, eventBytes                              {@link #start}
 *   clients, events, seconds, eventsPerSecond, p50Ms, p99Ms, p999Ms       {@link #addFigures}
 *   the workload's extras, the target's facts, clientThreads              {@link #endMeasured}
 *   quick (on a quick run only), machine                                  {@link #end}
 * </pre>
 */
public final class ResultLines {
    private ResultLines() {
    }

    /** A line with the fields that say which run it is: workload, target, durability and eventBytes. */
    public static JsonLine start(String workload, String target, String durability) {
        return new JsonLine()
                .add("workload", workload)
                .add("target", target)
                .add("durability", durability)
                .add("eventBytes", WorkloadSizes.EVENT_BYTES);
    }

    /**
     * Adds what a run measured: clients, events, seconds, eventsPerSecond (whole) and the p50, p99 and
     * p99.9 of {@code latencyNanos} in milliseconds ({@code null} when it recorded nothing).
     */
    public static JsonLine addFigures(JsonLine line, int clients, long events, double seconds, double eventsPerSecond,
                                      Histogram latencyNanos) {
        return line
                .add("clients", clients)
                .add("events", events)
                .add("seconds", seconds, 3)
                .add("eventsPerSecond", Math.round(eventsPerSecond))
                .add("p50Ms", Measurement.millis(latencyNanos, 50), 3)
                .add("p99Ms", Measurement.millis(latencyNanos, 99), 3)
                .add("p999Ms", Measurement.millis(latencyNanos, 99.9), 3);
    }

    /**
     * Ends the line of a measured run: the workload's {@code extras}, the target's {@code facts} (such as
     * where its server runs), the kind of client threads, then as {@link #end}.
     */
    public static String endMeasured(JsonLine line, Map<String, ?> extras, Map<String, ?> facts, boolean quick) {
        line.addAll(extras).addAll(facts).add("clientThreads", ClosedLoop.virtualClients() ? "virtual" : "platform");
        return end(line, quick);
    }

    /** Ends a line: {@code quick} when the run was a quick one, then the machine; returns its text. */
    public static String end(JsonLine line, boolean quick) {
        if (quick) {
            line.add("quick", true);
        }
        return line.add("machine", MachineInfo.description()).toString();
    }
}
