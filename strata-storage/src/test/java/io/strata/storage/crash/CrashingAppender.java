package io.strata.storage.crash;

import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StrataException;
import io.strata.core.StreamNotFoundException;
import io.strata.core.WrongExpectedRevisionException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The child JVM of {@link CrashIT}: opens the store (durability FSYNC, or BATCHED) and appends from many
 * threads until it is killed, reporting on stdout (see {@link CrashWorkload}) every append it is about
 * to make and every acknowledgement, each line written to the pipe before the next step, so what
 * the parent reads is what happened even when SIGKILL lands between two lines.
 *
 * <p>Arguments: store folder, segment bytes, memtable entries, seed, cycle, threads, durability.
 */
public final class CrashingAppender {
    private static final OutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private CrashingAppender() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        long segmentBytes = Long.parseLong(args[1]);
        int memtableEntries = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        int cycle = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        Durability durability = Durability.valueOf(args[6]);

        long started = System.nanoTime();
        // Every other cycle, every fsync'd batch goes through the syncer (its threshold is larger than these batches).
        StoreConfig config = cycle % 2 == 0 ? CrashWorkload.config(directory, durability, segmentBytes, memtableEntries)
                : CrashWorkload.configBuilder(directory, durability, segmentBytes, memtableEntries).pipelinedBatchBytes(0).build();
        EmbeddedEventStore store = EmbeddedEventStore.open(config);
        say("O " + store.replayedRecords() + " " + store.truncatedBytes() + " " + (System.nanoTime() - started) / 1_000_000);

        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> appendForever(store, new Random(seed * 1_000_003L + thread), cycle, thread),
                    "appender-" + t);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        // The parent kills us long before this; the limit only keeps a forgotten child from running on.
        Thread.sleep(60_000);
        System.exit(3);
    }

    private record Acked(String key, String stream, List<UUID> ids, AppendResult result) {
    }

    private static void appendForever(EmbeddedEventStore store, Random random, int cycle, int thread) {
        List<Acked> acked = new ArrayList<>();
        for (long n = 0; ; n++) {
            if (!acked.isEmpty() && random.nextInt(25) == 0) {
                retry(store, acked.get(random.nextInt(acked.size())), "c" + cycle + "t" + thread + "r" + n);
                continue;
            }
            String key = "c" + cycle + "t" + thread + "n" + n;
            String stream = CrashWorkload.stream(random.nextInt(CrashWorkload.STREAMS));
            int size = 1 + random.nextInt(5);
            List<UUID> ids = null;
            if (random.nextInt(10) != 0) {
                ids = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    ids.add(new UUID(random.nextLong(), random.nextLong()));
                }
            }
            ExpectedRevision expected = ExpectedRevision.ANY;
            if (random.nextInt(4) == 0) {
                try {
                    long last = store.readStream(stream, ReadStreamOptions.backwards().limit(1)).lastRevision();
                    expected = ExpectedRevision.exactly(last);
                } catch (StreamNotFoundException e) {
                    expected = ExpectedRevision.NO_STREAM;
                }
            }
            say("A " + key + " " + stream + " " + size + " "
                    + (ids == null ? "-" : ids.stream().map(UUID::toString).collect(Collectors.joining(","))) + " " + expected);
            try {
                AppendResult r = store.append(stream, expected, CrashWorkload.events(key, size, ids));
                say("K " + key + " " + r.firstRevision() + " " + r.lastRevision() + " " + r.firstPosition().value()
                        + " " + r.lastPosition().value() + " " + r.recordedTime());
                if (ids != null) {
                    acked.add(new Acked(key, stream, ids, r));
                }
            } catch (WrongExpectedRevisionException e) {
                say("R " + key + " " + e.code().wireName());
            } catch (StrataException e) {
                say("U " + key + " " + e.code().wireName() + " " + oneLine(e));
                return;
            } catch (RuntimeException e) {
                say("U " + key + " exception " + oneLine(e));
                return;
            }
        }
    }

    /** Appends an acknowledged append again: the store must answer with the original result, writing nothing. */
    private static void retry(EmbeddedEventStore store, Acked original, String key) {
        List<EventData> events = CrashWorkload.events(original.key(), original.ids().size(), original.ids());
        try {
            AppendResult again = store.append(original.stream(), ExpectedRevision.ANY, events);
            say("D " + original.key() + (again.equals(original.result()) ? " ok" : " bad " + again + " was " + original.result()));
        } catch (RuntimeException e) {
            say("D " + original.key() + " bad " + oneLine(e));
        }
    }

    private static String oneLine(Throwable e) {
        return (e.getClass().getSimpleName() + ": " + e.getMessage()).replace('\n', ' ');
    }

    /** Writes one whole line straight to the pipe (one write call), so it is there even if we die next. */
    static void say(String line) {
        byte[] bytes = (line + CrashWorkload.END + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (OUT) {
            try {
                OUT.write(bytes);
            } catch (IOException e) {
                // The parent has gone; nothing to report to.
                Runtime.getRuntime().halt(4);
            }
        }
    }
}
