package io.strata.bench.peers;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The one figure each workload is compared on, and which way is better. A ratio is always "Strata's
 * speed ÷ the peer's", so above 1 means Strata is ahead: Strata ÷ peer for throughput, peer ÷ Strata for
 * latency.
 */
record Metric(String label, boolean higherIsBetter, Function<ResultLine, OptionalDouble> read) {
    static Metric of(String workload) {
        return switch (workload) {
            case "W1" -> new Metric("p50 of an append", false, ResultLine::p50Ms);
            case "W5" -> new Metric("p50 of a whole-stream read", false, ResultLine::p50Ms);
            case "W6" -> new Metric("p99 append→delivery", false, ResultLine::p99Ms);
            case "W2", "W3", "W4", "W7" -> new Metric("events/s", true, ResultLine::eventsPerSecond);
            default -> throw new IllegalArgumentException("no workload " + workload);
        };
    }

    OptionalDouble value(ResultLine line) {
        return read.apply(line);
    }

    /** Strata's speed ÷ the peer's; empty when either figure is missing or zero. */
    OptionalDouble ratio(double strata, double peer) {
        if (strata <= 0 || peer <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(higherIsBetter ? strata / peer : peer / strata);
    }

    String format(double value) {
        if (higherIsBetter) {
            return String.format(Locale.ROOT, "%,d/s", Math.round(value));
        }
        return String.format(Locale.ROOT, value < 1 ? "%.3f ms" : value < 100 ? "%.2f ms" : "%,.0f ms", value);
    }
}
