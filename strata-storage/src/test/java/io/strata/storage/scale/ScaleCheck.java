package io.strata.storage.scale;

import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamSlice;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Run in child JVMs with a small heap by {@link ScaleIT}. {@code write} appends the events, reads a
 * sample of streams back and then halts without closing the store, like a crash; {@code reopen}
 * opens the store (recovering it), checks the counts and a sample, and reads all of {@code $all}.
 * Exits 0 when every check holds; prints what it measured.
 *
 * <p>Usage: {@code ScaleCheck write|reopen DIR STREAMS EVENTS_PER_STREAM}
 */
public final class ScaleCheck {
    private ScaleCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        int streams = Integer.parseInt(args[2]);
        int perStream = Integer.parseInt(args[3]);
        StoreConfig config = StoreConfig.builder(dir).durability(Durability.NONE).build();
        if (args[0].equals("write")) {
            write(config, streams, perStream);
        } else {
            reopen(config, streams, perStream);
        }
    }

    private static void write(StoreConfig config, int streams, int perStream) {
        long events = (long) streams * perStream;
        long started = System.nanoTime();
        EmbeddedEventStore store = EmbeddedEventStore.open(config);
        {
            // Round r appends revision r of every stream, so each stream's events are spread over the
            // whole log and over many index files, as with real interleaved traffic.
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int round = 0; round < perStream; round++) {
                for (int s = 0; s < streams; s++) {
                    ExpectedRevision expected = round == 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(round - 1);
                    inFlight.add(store.appendAsync(streamName(s), expected,
                            List.of(EventData.json("Happened", payload(s, round)))));
                    if (inFlight.size() == 10_000) {
                        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                        inFlight.clear();
                    }
                }
                System.out.printf("round %d of %d appended, %.0f s, heap used %d MiB%n", round + 1, perStream,
                        (System.nanoTime() - started) / 1e9, usedHeapMiB());
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
            System.out.printf("appended %d events in %d streams in %.1f s%n", events, streams, (System.nanoTime() - started) / 1e9);
            checkSample(store, streams, perStream, new Random(1));
        }
        System.out.println("OK, halting without closing the store");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void reopen(StoreConfig config, int streams, int perStream) {
        long events = (long) streams * perStream;
        long reopenStart = System.nanoTime();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config)) {
            System.out.printf("reopened in %.2f s (replayed %d records)%n", (System.nanoTime() - reopenStart) / 1e9, store.replayedRecords());
            if (store.info().events() != events || store.info().streams() != streams) {
                fail("after reopen: " + store.info());
            }
            checkSample(store, streams, perStream, new Random(2));
            long readStart = System.nanoTime();
            long read = 0;
            long from = 0;
            while (true) {
                var slice = store.readAll(ReadAllOptions.forwards().from(from).limit(1000));
                read += slice.events().size();
                if (slice.next().isEmpty()) {
                    break;
                }
                from = slice.next().get().value();
            }
            if (read != events) {
                fail("read " + read + " events from $all, expected " + events);
            }
            System.out.printf("read $all (%d events) in %.1f s; heap used %d MiB%n", read, (System.nanoTime() - readStart) / 1e9, usedHeapMiB());
        }
        System.out.println("OK");
    }

    private static void checkSample(EmbeddedEventStore store, int streams, int perStream, Random random) {
        for (int i = 0; i < 2_000; i++) {
            int s = random.nextInt(streams);
            StreamSlice slice = store.readStream(streamName(s), ReadStreamOptions.forwards().limit(perStream + 1));
            if (slice.events().size() != perStream || slice.lastRevision() != perStream - 1) {
                fail("stream " + streamName(s) + " has " + slice.events().size() + " events, last revision " + slice.lastRevision());
            }
            for (RecordedEvent e : slice.events()) {
                if (!new String(e.data(), StandardCharsets.UTF_8).equals(new String(payload(s, (int) e.revision()), StandardCharsets.UTF_8))) {
                    fail("wrong data in " + e);
                }
            }
        }
    }

    private static String streamName(int s) {
        return "account-" + s;
    }

    private static byte[] payload(int stream, int round) {
        return ("{\"stream\":" + stream + ",\"round\":" + round + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static long usedHeapMiB() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    private static void fail(String message) {
        System.out.println("FAILED: " + message);
        System.exit(1);
    }
}
