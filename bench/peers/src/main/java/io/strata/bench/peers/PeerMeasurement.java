package io.strata.bench.peers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * What one workload run on a peer measured: the fields of every result line plus workload-specific
 * extras (Long, Integer, Double, Boolean or String), in order. The peers' twin of the Strata driver's
 * {@code Measurement}.
 *
 * @param latencyNanos per operation (append, page or read, as the workload says), from the client's view
 */
record PeerMeasurement(int clients, long events, double seconds, Histogram latencyNanos, Map<String, Object> extras) {
    PeerMeasurement {
        Objects.requireNonNull(latencyNanos, "latencyNanos");
        extras = new LinkedHashMap<>(extras);
    }

    static Histogram newHistogram() {
        return new Histogram(3); // auto-resizing; nanoseconds, 3 significant digits, as the Strata driver
    }

    double eventsPerSecond() {
        return seconds > 0 ? events / seconds : 0;
    }
}
