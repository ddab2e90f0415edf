package io.strata.bench.peers;

import io.strata.bench.Payloads;
import io.strata.bench.WorkloadSizes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * W5, read one stream: 1,000,000 streams, one of them ({@code w5-hot}) 1,000 events long and spread
 * evenly through the log, the others one event each, as in Strata's W5; then the hot stream is read
 * whole 10,000 times. Every read must return all its events in the order they were written.
 */
final class StreamRead implements PeerWorkload {
    static final String HOT_STREAM = "w5-hot";
    private static final int IN_FLIGHT = 1024;

    @Override
    public PeerMeasurement run(PeerRun run) throws Exception {
        WorkloadSizes sizes = run.sizes();
        int hotEvents = sizes.w5HotEvents();
        long totalAppends = (long) sizes.w5Streams() - 1 + hotEvents;

        run.say("setup: " + sizes.w5Streams() + " streams, " + HOT_STREAM + " with " + hotEvents + " events spread through the log");
        long setupStart = System.nanoTime();
        try (PeerLog.AsyncWriter writer = run.log().asyncWriter(IN_FLIGHT)) {
            int hotWritten = 0;
            for (long i = 0; i < totalAppends; i++) {
                // the hot stream's k-th event goes at append k * total / hotEvents: evenly spread
                if (hotWritten < hotEvents && i == hotWritten * totalAppends / hotEvents) {
                    writer.send(HOT_STREAM, hotWritten, List.of(Payloads.data(i, 0)));
                    hotWritten++;
                } else {
                    writer.send("w5-" + (i - hotWritten), 0, List.of(Payloads.data(i, 0)));
                }
            }
            writer.awaitAll(Duration.ofMinutes(5));
        }
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

        try (PeerLog.StreamReader reader = run.log().streamReader()) {
            run.say("warm-up: " + sizes.w5WarmupReads() + " reads of " + HOT_STREAM);
            for (int i = 0; i < sizes.w5WarmupReads(); i++) {
                readWhole(reader, hotEvents);
            }
            run.say("measuring: " + sizes.w5Reads() + " reads of " + HOT_STREAM);
            Histogram latency = PeerMeasurement.newHistogram();
            long start = System.nanoTime();
            for (int i = 0; i < sizes.w5Reads(); i++) {
                long t0 = System.nanoTime();
                readWhole(reader, hotEvents);
                latency.recordValue(System.nanoTime() - t0);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> extras = new LinkedHashMap<>();
            extras.put("streams", sizes.w5Streams());
            extras.put("streamEvents", hotEvents);
            extras.put("reads", sizes.w5Reads());
            extras.put("readsPerSecond", sizes.w5Reads() / seconds);
            extras.put("latencyOf", "whole-stream read of " + hotEvents + " events");
            extras.put("setupSeconds", setupSeconds);
            extras.putAll(run.target().workloadFacts(run.workload()));
            return new PeerMeasurement(1, (long) sizes.w5Reads() * hotEvents, seconds, latency, extras);
        }
    }

    /** Reads the hot stream, checking it has exactly {@code expected} events in the order they were written. */
    private static void readWhole(PeerLog.StreamReader reader, int expected) throws Exception {
        long[] last = {-1};
        int count = reader.readWhole(HOT_STREAM, data -> {
            long sequence = Payloads.sequence(data);
            if (sequence <= last[0]) {
                throw new IllegalStateException(HOT_STREAM + " returned event " + sequence + " after " + last[0]);
            }
            last[0] = sequence;
        });
        if (count != expected) {
            throw new IllegalStateException("read " + count + " events of " + HOT_STREAM + ", " + expected + " were written");
        }
    }
}
