package io.strata.bench.peers;

import io.strata.bench.Payloads;
import io.strata.bench.WorkloadSizes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * W1, serial durable appends: one client, one 256-byte event per append, a new stream every 100
 * appends, each append waited for before the next. Conditional on the stream's last revision where the
 * peer can check one (as Strata's W1 is); Kafka cannot, and its line says so. Unlike Strata's W1 it
 * measures no bare-fsync baseline: the Strata rows of the same run carry that.
 */
final class SerialAppends implements PeerWorkload {
    @Override
    public PeerMeasurement run(PeerRun run) throws Exception {
        WorkloadSizes sizes = run.sizes();
        int perStream = sizes.w1AppendsPerStream();
        boolean conditional = run.target().checksExpectedRevision();
        Histogram latency = PeerMeasurement.newHistogram();
        long nanos;
        try (PeerLog.Appender appender = run.log().appender()) {
            run.say("warm-up: " + sizes.w1WarmupAppends() + " appends");
            appendSerially(appender, conditional, "w1warmup", sizes.w1WarmupAppends(), perStream, null);
            run.say("measuring: " + sizes.w1Appends() + " appends");
            long start = System.nanoTime();
            appendSerially(appender, conditional, "w1", sizes.w1Appends(), perStream, latency);
            nanos = System.nanoTime() - start;
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("appendsPerStream", perStream);
        extras.put("expectedRevision", conditional ? "exact" : "not checked");
        extras.putAll(run.target().workloadFacts(run.workload()));
        return new PeerMeasurement(1, sizes.w1Appends(), nanos / 1e9, latency, extras);
    }

    private static void appendSerially(PeerLog.Appender appender, boolean conditional, String prefix, int count,
                                       int perStream, Histogram latency) throws Exception {
        long expected = PeerLog.Appender.NO_STREAM;
        for (int i = 0; i < count; i++) {
            if (i % perStream == 0) {
                expected = PeerLog.Appender.NO_STREAM;
            }
            List<byte[]> event = List.of(Payloads.data(i, 0));
            long start = System.nanoTime();
            long next = appender.append(prefix + "-" + (i / perStream), conditional ? expected : PeerLog.Appender.ANY, event);
            long took = System.nanoTime() - start;
            expected = next;
            if (latency != null) {
                latency.recordValue(took);
            }
        }
    }
}
