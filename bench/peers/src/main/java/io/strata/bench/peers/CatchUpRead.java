package io.strata.bench.peers;

import io.strata.bench.JitWarmUp;
import io.strata.bench.Payloads;
import io.strata.bench.WorkloadSizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;
import org.HdrHistogram.Histogram;

/**
 * W4, catch-up read of the whole log: writes 10 million 256-byte events first (appends of 1,000, many
 * in flight: the setup is not measured), warms up as the Strata driver's W4 does (pages read from the
 * start, again from the start at the end, for {@link WorkloadSizes#w4Warmup()} and until this JVM's JIT is
 * quiet), then reads the log from its start in pages of 1,000. Every position must come back once, in
 * order, or the run fails. Latency is per page.
 */
final class CatchUpRead implements PeerWorkload {
    private static final int IN_FLIGHT = 16;
    /** A reader that gets nothing for this long is stuck, not slow. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Override
    public PeerMeasurement run(PeerRun run) throws Exception {
        WorkloadSizes sizes = run.sizes();
        long total = sizes.w4Events();
        int perAppend = sizes.w4EventsPerAppend();

        run.say("setup: writing " + total + " events in appends of " + perAppend);
        long setupStart = System.nanoTime();
        try (PeerLog.AsyncWriter writer = run.log().asyncWriter(IN_FLIGHT)) {
            List<byte[]> batch = new ArrayList<>(perAppend);
            long stream = 0;
            for (long n = 0; n < total; n++) {
                batch.add(Payloads.data(n, 0));
                if (batch.size() == perAppend || n == total - 1) {
                    writer.send("w4-" + stream++, 0, List.copyOf(batch));
                    batch.clear();
                }
            }
            writer.awaitAll(Duration.ofMinutes(5));
        }
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

        JitWarmUp warmUp = new JitWarmUp(sizes.w4Warmup(), sizes.waitForJit());
        long warmupEvents = warmUp(run, warmUp, total);

        run.say("measuring: reading the log from its start in pages of " + sizes.w4PageSize());
        Histogram latency = PeerMeasurement.newHistogram();
        long[] read = {0, 0}; // events, payload bytes
        long start = System.nanoTime();
        try (PeerLog.PageReader reader = run.log().pageReader(sizes.w4PageSize())) {
            readPages(reader, total, () -> false, latency, (data, position) -> {
                if (position != read[0]) {
                    throw new IllegalStateException("the log returned position " + position + " where "
                            + read[0] + " was expected");
                }
                read[0]++;
                read[1] += data.length;
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("mbPerSecond", read[1] / 1e6 / seconds);
        extras.put("pageSize", sizes.w4PageSize());
        extras.put("latencyOf", "page of up to " + sizes.w4PageSize());
        extras.put("payloadBytes", read[1]);
        extras.put("setupSeconds", setupSeconds);
        extras.put("warmupSeconds", warmUp.seconds());
        extras.put("warmupEvents", warmupEvents);
        extras.put("setupEventsPerSecond", total / setupSeconds);
        extras.putAll(run.target().workloadFacts(run.workload()));
        return new PeerMeasurement(1, read[0], seconds, latency, extras);
    }

    /** Reads pages until {@code warmUp} is over, with a new reader from the start whenever the log ends. */
    private static long warmUp(PeerRun run, JitWarmUp warmUp, long total) throws Exception {
        WorkloadSizes sizes = run.sizes();
        run.say("warm-up: reading pages of " + sizes.w4PageSize() + " for at least " + sizes.w4Warmup().toMillis()
                + " ms" + (sizes.waitForJit() ? ", then until the JIT is quiet" : ""));
        long events = 0;
        while (!warmUp.isOver(System.nanoTime())) {
            try (PeerLog.PageReader reader = run.log().pageReader(sizes.w4PageSize())) {
                events += readPages(reader, total, () -> warmUp.isOver(System.nanoTime()), PeerMeasurement.newHistogram(),
                        (data, position) -> { });
            }
        }
        return events;
    }

    /**
     * Reads pages until {@code total} events or until {@code stop}, recording each page's latency; fails when
     * nothing comes for {@link #STALL_NANOS}. Returns the events read.
     */
    private static long readPages(PeerLog.PageReader reader, long total, BooleanSupplier stop, Histogram latency,
                                  ObjLongConsumer<byte[]> onEvent) throws Exception {
        long read = 0;
        long lastProgress = System.nanoTime();
        while (read < total && !stop.getAsBoolean()) {
            long t0 = System.nanoTime();
            int count = reader.nextPage(onEvent);
            long t1 = System.nanoTime();
            if (count > 0) {
                latency.recordValue(t1 - t0);
                lastProgress = t1;
                read += count;
            } else if (t1 - lastProgress > STALL_NANOS) {
                throw new IllegalStateException("read " + read + " of " + total + " events, then nothing for 30 s");
            }
        }
        return read;
    }
}
