package io.strata.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * What one workload run measured: the fields every result line has, plus workload-specific extras
 * (values: {@link Long}, {@link Integer}, {@link Double}, {@link Boolean} or {@link String}), in order.
 *
 * @param latencyNanos per operation (append, page or read, as the workload says), from the client's view
 */
record Measurement(int clients, long events, double seconds, Histogram latencyNanos, Map<String, Object> extras) {
    Measurement {
        Objects.requireNonNull(latencyNanos, "latencyNanos");
        extras = new LinkedHashMap<>(extras);
    }

    static Histogram newHistogram() {
        return new Histogram(3); // auto-resizing; nanoseconds, 3 significant digits
    }

    double eventsPerSecond() {
        return seconds > 0 ? events / seconds : 0;
    }

    static double millis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1e6;
    }
}
