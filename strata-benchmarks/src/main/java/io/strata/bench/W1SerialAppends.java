package io.strata.bench;

import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * W1, serial durable appends: one client, one 256-byte event per append, a new stream every 100
 * appends (exact expected revisions), each append waited for before the next.
 *
 * <p>In the same run and folder it measures the bare write+fsync baseline ({@link FsyncBaseline})
 * and reports W1's p50 as a ratio to it. The baseline writes are interleaved with the appends, a
 * few after each stream's 100 appends, because this disk's fsync latency drifts with whatever else
 * the machine does: measured minutes apart, the two medians would not compare. The workload's
 * {@code seconds} count only the appends.
 */
@SuppressWarnings("try") // progress tickers are try-with-resources for their close only
final class W1SerialAppends implements Workload {
    @Override
    public Measurement run(RunContext context) throws Exception {
        WorkloadSizes sizes = context.sizes();
        int appends = sizes.w1Appends();
        int perStream = sizes.w1AppendsPerStream();
        int blocks = (appends + perStream - 1) / perStream;

        context.say("setup: opening the store (durability " + context.durability().wireName() + ")");
        Histogram latency = Measurement.newHistogram();
        Histogram baseline = Measurement.newHistogram();
        long appendNanos = 0;
        try (EventStore store = context.openStore(context.durability());
             FsyncBaseline fsync = FsyncBaseline.create(context.folder().resolve("fsync-baseline.bin"))) {
            context.say("warm-up: " + sizes.w1WarmupAppends() + " appends, " + sizes.baselineWarmupWrites()
                    + " bare write+fsync");
            fsync.write(sizes.baselineWarmupWrites(), null);
            appendSerially(store, "w1warmup", 0, sizes.w1WarmupAppends(), perStream, null);

            context.say("measuring: " + appends + " appends, with " + sizes.baselineWrites()
                    + " bare 4 KiB write+fsync interleaved");
            AtomicLong done = new AtomicLong();
            try (Ticker ignored = context.ticker(() -> "measuring: " + done.get() + " of " + appends + " appends")) {
                int baselineDone = 0;
                for (int block = 0; block < blocks; block++) {
                    int from = block * perStream;
                    int count = Math.min(perStream, appends - from);
                    long start = System.nanoTime();
                    appendSerially(store, "w1", from, count, perStream, latency);
                    appendNanos += System.nanoTime() - start;
                    done.set(from + count);
                    // spread the baseline writes evenly over the blocks
                    int baselineDue = (int) ((long) sizes.baselineWrites() * (block + 1) / blocks);
                    fsync.write(baselineDue - baselineDone, baseline);
                    baselineDone = baselineDue;
                }
            }
        }
        double baselineP50 = Measurement.millis(baseline, 50);
        context.say(String.format(Locale.ROOT, "p50 %.3f ms, bare write+fsync p50 %.3f ms",
                Measurement.millis(latency, 50), baselineP50));

        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("appendsPerStream", perStream);
        extras.put("baselineFsyncP50Ms", baselineP50);
        extras.put("baselineFsyncP99Ms", Measurement.millis(baseline, 99));
        extras.put("baselineWrites", baseline.getTotalCount());
        extras.put("baselineMethod", FsyncBaseline.METHOD);
        extras.put("ratioToBaseline", Measurement.millis(latency, 50) / baselineP50);
        return new Measurement(1, appends, appendNanos / 1e9, latency, extras);
    }

    /**
     * Appends {@code count} single events, the i-th (counting from {@code from}) to stream
     * {@code prefix-(i / perStream)}; records each append's latency unless {@code latency} is null.
     */
    private static void appendSerially(EventStore store, String prefix, int from, int count, int perStream,
                                       Histogram latency) {
        for (int i = from; i < from + count; i++) {
            String stream = prefix + "-" + (i / perStream);
            int revision = i % perStream;
            ExpectedRevision expected = revision == 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(revision - 1);
            List<EventData> events = List.of(Payloads.event(i, 0));
            long start = System.nanoTime();
            store.append(stream, expected, events);
            long took = System.nanoTime() - start;
            if (latency != null) {
                latency.recordValue(took);
            }
        }
    }
}
