package io.strata.bench;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamSlice;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * W5, read one stream: 1,000,000 streams, one of them ({@code w5-hot}) 1,000 events long, the others
 * one event each. The hot stream's events are spread evenly through the log, so a read must use the
 * stream index rather than a sequential scan. Setup writes with durability {@code none}, then the
 * store is reopened with the run's durability and the hot stream is read forward, whole, 10,000 times.
 * Latency is per whole-stream read; every read must return revisions 0 to 999 in order.
 */
@SuppressWarnings("try") // progress tickers are try-with-resources for their close only
final class W5StreamRead implements Workload {
    static final String HOT_STREAM = "w5-hot";
    private static final Durability SETUP_DURABILITY = Durability.NONE;
    private static final int OUTSTANDING_APPENDS = 1024;

    @Override
    public Measurement run(RunContext context) throws Exception {
        WorkloadSizes sizes = context.sizes();
        int streams = sizes.w5Streams();
        int hotEvents = sizes.w5HotEvents();
        int coldStreams = streams - 1;
        long totalAppends = (long) coldStreams + hotEvents;

        context.say("setup: " + streams + " streams, " + HOT_STREAM + " with " + hotEvents
                + " events spread through the log (durability " + SETUP_DURABILITY.wireName() + ")");
        long setupStart = System.nanoTime();
        try (EventStore store = context.openStore(SETUP_DURABILITY)) {
            AsyncAppends appends = new AsyncAppends(store, OUTSTANDING_APPENDS);
            try (Ticker ignored = context.ticker(() -> "setup: " + appends.completedEvents() + " of " + totalAppends + " events written")) {
                int hotWritten = 0;
                for (long i = 0; i < totalAppends; i++) {
                    // the hot stream's k-th event goes at append k * total / hotEvents: evenly spread
                    boolean hot = hotWritten < hotEvents && i == hotWritten * totalAppends / hotEvents;
                    if (hot) {
                        // expected revision any: appends in flight may commit in any order, and the
                        // stream gets exactly hotEvents events either way
                        appends.submit(HOT_STREAM, ExpectedRevision.ANY, List.of(Payloads.event(i, 0)));
                        hotWritten++;
                    } else {
                        long cold = i - hotWritten;
                        appends.submit("w5-" + cold, ExpectedRevision.NO_STREAM, List.of(Payloads.event(i, 0)));
                    }
                }
                appends.awaitAll(Duration.ofMinutes(5));
            }
        }
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

        context.say("setup: reopening the store (durability " + context.durability().wireName() + ")");
        long reopenStart = System.nanoTime();
        try (EventStore store = context.openStore(context.durability())) {
            double reopenSeconds = (System.nanoTime() - reopenStart) / 1e9;
            context.say("warm-up: " + sizes.w5WarmupReads() + " reads of " + HOT_STREAM);
            for (int i = 0; i < sizes.w5WarmupReads(); i++) {
                readWhole(store, hotEvents);
            }

            context.say("measuring: " + sizes.w5Reads() + " reads of " + HOT_STREAM);
            Histogram latency = Measurement.newHistogram();
            AtomicLong done = new AtomicLong();
            long start = System.nanoTime();
            try (Ticker ignored = context.ticker(() -> "measuring: " + done.get() + " of " + sizes.w5Reads() + " reads")) {
                for (int i = 0; i < sizes.w5Reads(); i++) {
                    long t0 = System.nanoTime();
                    readWhole(store, hotEvents);
                    latency.recordValue(System.nanoTime() - t0);
                    done.lazySet(i + 1);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            Map<String, Object> extras = new LinkedHashMap<>();
            extras.put("streams", streams);
            extras.put("streamEvents", hotEvents);
            extras.put("reads", sizes.w5Reads());
            extras.put("readsPerSecond", sizes.w5Reads() / seconds);
            extras.put("latencyOf", "whole-stream read of " + hotEvents + " events");
            extras.put("setupDurability", SETUP_DURABILITY.wireName());
            extras.put("setupSeconds", setupSeconds);
            extras.put("reopenSeconds", reopenSeconds);
            return new Measurement(1, (long) sizes.w5Reads() * hotEvents, seconds, latency, extras);
        }
    }

    /** Reads {@link #HOT_STREAM} forward to its end, checking it has exactly {@code expected} events in order. */
    private static void readWhole(EventStore store, int expected) {
        ReadStreamOptions options = ReadStreamOptions.forwards().limit(Math.min(expected, 1_000));
        long revision = 0;
        while (true) {
            StreamSlice slice = store.readStream(HOT_STREAM, options);
            for (RecordedEvent event : slice.events()) {
                if (event.revision() != revision) {
                    throw new IllegalStateException(HOT_STREAM + " returned revision " + event.revision()
                            + " where " + revision + " was expected");
                }
                revision++;
            }
            if (slice.next().isEmpty()) {
                break;
            }
            options = options.from(slice.next().getAsLong());
        }
        if (revision != expected) {
            throw new IllegalStateException("read " + revision + " events of " + HOT_STREAM + ", " + expected + " were written");
        }
    }
}
