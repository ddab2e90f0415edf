package io.strata.bench;

import io.strata.core.AllSlice;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * W4, catch-up read of the whole log: writes 10 million 256-byte events first (batches of 1,000, several
 * appends in flight, durability {@code none}: the setup is not what is measured), closes the store and
 * opens it again with the run's durability, warms up by reading pages of {@code $all} (from the start,
 * again from the start at its end) for {@link WorkloadSizes#w4Warmup()} and until the JIT is quiet
 * ({@link JitWarmUp}), then reads {@code $all} from the start in pages of 1,000. Every position must come
 * back once, in order, or the run fails. Latency is per page.
 *
 * <p>Design note: without the warm-up the quick sizes (1 M events, under a second embedded) measured the
 * JIT compiling the read path: three W4 runs in one JVM read 1.96, 3.54 and 5.03 M events/s embedded and
 * 310, 341 and 533 K/s over gRPC, and C2 took 44 % of the samples of a first gRPC run's measured read
 * ({@code ./strata bench W4 W4 W4 --quick}, 2026-11-28). A catch-up reader meets a server that has been
 * running, so the steady state is what W4 describes, as for W2, W3 and W6.
 */
@SuppressWarnings("try") // progress tickers are try-with-resources for their close only
final class W4CatchUpRead implements Workload {
    private static final Durability SETUP_DURABILITY = Durability.NONE;
    private static final int OUTSTANDING_APPENDS = 16;

    @Override
    public Measurement run(RunContext context) throws Exception {
        WorkloadSizes sizes = context.sizes();
        long total = sizes.w4Events();
        int perAppend = sizes.w4EventsPerAppend();

        context.say("setup: writing " + total + " events in appends of " + perAppend + " (durability "
                + SETUP_DURABILITY.wireName() + ")");
        long setupStart = System.nanoTime();
        try (EventStore store = context.openStore(SETUP_DURABILITY)) {
            AsyncAppends appends = new AsyncAppends(store, OUTSTANDING_APPENDS);
            try (Ticker ignored = context.ticker(() -> "setup: " + appends.completedEvents() + " of " + total + " events written")) {
                List<EventData> batch = new ArrayList<>(perAppend);
                long stream = 0;
                for (long n = 0; n < total; n++) {
                    batch.add(Payloads.event(n, 0));
                    if (batch.size() == perAppend || n == total - 1) {
                        appends.submit("w4-" + stream++, ExpectedRevision.NO_STREAM, List.copyOf(batch));
                        batch.clear();
                    }
                }
                appends.awaitAll(Duration.ofMinutes(5));
            }
        }
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        long storeBytes = folderBytes(context.folder().resolve("store"));

        context.say("setup: reopening the store (durability " + context.durability().wireName() + ")");
        long reopenStart = System.nanoTime();
        Histogram latency = Measurement.newHistogram();
        long events = 0;
        long payloadBytes = 0;
        double seconds;
        try (EventStore store = context.openStore(context.durability())) {
            double reopenSeconds = (System.nanoTime() - reopenStart) / 1e9;
            context.say(String.format(java.util.Locale.ROOT, "setup: reopened in %.2f s", reopenSeconds));
            WarmUp warmUp = warmUp(context, store);
            context.say("measuring: reading $all from the start in pages of " + sizes.w4PageSize());
            AtomicLong read = new AtomicLong();
            long start = System.nanoTime();
            try (Ticker ignored = context.ticker(() -> "measuring: " + read.get() + " of " + total + " events read")) {
                long from = ReadAllOptions.START;
                ReadAllOptions page = ReadAllOptions.forwards().limit(sizes.w4PageSize());
                while (true) {
                    long t0 = System.nanoTime();
                    AllSlice slice = store.readAll(page.from(from));
                    latency.recordValue(System.nanoTime() - t0);
                    for (RecordedEvent event : slice.events()) {
                        if (event.position().value() != events) {
                            throw new IllegalStateException("$all returned position " + event.position()
                                    + " where " + events + " was expected");
                        }
                        events++;
                        payloadBytes += event.data().length + event.metadata().length;
                    }
                    read.lazySet(events);
                    if (slice.next().isEmpty()) {
                        break;
                    }
                    long next = slice.next().get().value();
                    if (next <= from) {
                        throw new IllegalStateException("$all page from " + from + " returned next " + next);
                    }
                    from = next;
                }
            }
            seconds = (System.nanoTime() - start) / 1e9;
            if (events != total) {
                throw new IllegalStateException("read " + events + " events of $all, " + total + " were written");
            }
            Map<String, Object> extras = new LinkedHashMap<>();
            extras.put("mbPerSecond", payloadBytes / 1e6 / seconds);
            extras.put("pageSize", sizes.w4PageSize());
            extras.put("latencyOf", "readAll page of " + sizes.w4PageSize());
            extras.put("payloadBytes", payloadBytes);
            extras.put("storeBytes", storeBytes);
            extras.put("setupDurability", SETUP_DURABILITY.wireName());
            extras.put("setupSeconds", setupSeconds);
            extras.put("setupEventsPerSecond", total / setupSeconds);
            extras.put("reopenSeconds", reopenSeconds);
            extras.put("warmupSeconds", warmUp.seconds());
            extras.put("warmupEvents", warmUp.events());
            return new Measurement(1, events, seconds, latency, extras);
        }
    }

    /** What the warm-up read: how long it took and how many events it read. */
    private record WarmUp(double seconds, long events) {
    }

    /** Reads pages of {@code $all} until the warm-up is over, from the start again whenever the log ends. */
    private static WarmUp warmUp(RunContext context, EventStore store) {
        WorkloadSizes sizes = context.sizes();
        context.say("warm-up: reading $all in pages of " + sizes.w4PageSize() + " for at least "
                + sizes.w4Warmup().toMillis() + " ms" + (sizes.waitForJit() ? ", then until the JIT is quiet" : ""));
        JitWarmUp warmUp = new JitWarmUp(sizes.w4Warmup(), sizes.waitForJit());
        ReadAllOptions page = ReadAllOptions.forwards().limit(sizes.w4PageSize());
        long from = ReadAllOptions.START;
        AtomicLong events = new AtomicLong();
        try (Ticker ignored = context.ticker(() -> "warm-up: " + events.get() + " events read")) {
            while (!warmUp.isOver(System.nanoTime())) {
                AllSlice slice = store.readAll(page.from(from));
                events.addAndGet(slice.events().size());
                from = slice.next().map(Position::value).orElse(ReadAllOptions.START);
            }
        }
        return new WarmUp(warmUp.seconds(), events.get());
    }

    /** Bytes in the files under {@code folder}: the log plus indexes, as the store left them. */
    static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(path -> {
                try {
                    return Files.size(path);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
