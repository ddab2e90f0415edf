package io.strata.storage.fault;

import static io.strata.storage.fault.Appends.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.ExpectedRevision;
import io.strata.core.RecordedEvent;
import io.strata.core.StrataException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.LogVerifier;
import io.strata.storage.StoreConfig;
import io.strata.storage.crash.StoreContents;
import io.strata.storage.fault.Appends.Append;
import io.strata.storage.io.FileIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power goes off at a random file operation while several threads append: everything not
 * fsync'd is lost ({@link FaultyFileIO#restoreDurableState()}: files cut back to their last fsync'd
 * size, files and renames whose folder was not fsync'd gone). In FSYNC mode no acknowledged append
 * may be lost; in every mode what survives is whole appends, gap-free, with an intact hash chain.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PowerCutTest {
    private static final int THREADS = 3;
    private static final int APPENDS_PER_THREAD = 40;

    @TempDir
    Path temp;

    @Test
    void aPowerCutNeverLosesAnAcknowledgedAppend() throws Exception {
        long seed = Long.getLong("strata.seed", new Random().nextLong());
        System.out.println("aPowerCutNeverLosesAnAcknowledgedAppend: seed " + seed + " (-Dstrata.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            String where = "seed " + seed + ", round " + round;
            try {
                powerCutRound(temp.resolve("fsync-" + round), Durability.FSYNC, random, false, 4096);
            } catch (Throwable t) {
                throw new AssertionError(where + ": " + t.getMessage(), t);
            }
        }
    }

    @Test
    void aPowerCutInBatchedModeKeepsWholeAppendsInOrder() throws Exception {
        long seed = Long.getLong("strata.seed", new Random().nextLong());
        System.out.println("aPowerCutInBatchedModeKeepsWholeAppendsInOrder: seed " + seed + " (-Dstrata.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 15; round++) {
            String where = "seed " + seed + ", round " + round;
            try {
                powerCutRound(temp.resolve("batched-" + round), Durability.BATCHED, random, false, 4096);
            } catch (Throwable t) {
                throw new AssertionError(where + ": " + t.getMessage(), t);
            }
        }
    }

    /**
     * A disk may write unsynced pages back in any order before the power goes: after the cut the
     * log's tail past the last fsync can hold zeros followed by whole records of appends that were
     * never acknowledged. That is still a torn tail: the store must open, with every acknowledged
     * append, and cut it.
     */
    @Test
    void aPowerCutThatKeepsSomeUnsyncedPagesStillOpens() throws Exception {
        long seed = Long.getLong("strata.seed", new Random().nextLong());
        System.out.println("aPowerCutThatKeepsSomeUnsyncedPagesStillOpens: seed " + seed + " (-Dstrata.seed=" + seed + ")");
        Random random = new Random(seed);
        List<String> problems = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            try {
                powerCutRound(temp.resolve("pages-" + round), Durability.FSYNC, random, true, 64 << 10);
            } catch (Throwable t) {
                problems.add("round " + round + ": " + t.getMessage().replace('\n', ' '));
            }
        }
        assertThat(problems).as("rounds that failed (seed %d)", seed).isEmpty();
    }

    /**
     * In BATCHED mode an append is answered before its fsync, so a power cut may lose the newest
     * ones; what the store keeps must still be whole and readable. A checkpoint is fsync'd: if it
     * covered log records that were not, recovery would trust index entries pointing at lost bytes.
     * Here the file system kept the log file's size but none of its unsynced bytes (zeros).
     */
    @Test
    void aCheckpointNeverCoversLogRecordsThatAreNotDurable() throws IOException {
        Path dir = temp.resolve("batched-checkpoint");
        FaultyFileIO io = new FaultyFileIO();
        // No background fsync during the test; memtable of 16 entries: a checkpoint after 16 events.
        StoreConfig.Builder config = StoreConfig.builder(dir).durability(Durability.BATCHED)
                .batchedFsyncInterval(Duration.ofHours(1)).memtableEntries(16);
        List<Append> acknowledged = new ArrayList<>();
        EmbeddedEventStore store = EmbeddedEventStore.open(config.fileIO(io).build());
        try {
            for (int i = 0; i < 20; i++) {
                Append a = append("batched-" + i, "s-" + i % 3, 1, 100, true);
                acknowledged.add(a.acknowledged(Appends.submit(store, a)));
            }
            awaitCheckpointFile(dir); // written in the background once the memtable is full
        } finally {
            io.cutPowerUnder(store);
        }
        io.restoreDurableSizesWithZeros();
        try (EmbeddedEventStore reopened = EmbeddedEventStore.open(config.fileIO(FileIO.standard()).build())) {
            List<RecordedEvent> log = StoreContents.readAll(reopened);
            StoreContents.checkConsistent(reopened, log);
            Map<String, List<RecordedEvent>> present = Appends.assertWholeOrAbsent(log);
            int survivors = 0;
            while (survivors < acknowledged.size() && present.containsKey(acknowledged.get(survivors).key())) {
                survivors++;
            }
            Appends.assertAllPresent(log, acknowledged.subList(0, survivors));
            assertThat(log).as("the surviving log: the first %d acknowledged appends", survivors).hasSize(survivors);
            Append after = append("after-cut", "s-after", 1, 10, false);
            assertThat(Appends.submit(reopened, after).firstPosition().value()).isEqualTo(log.size());
        }
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).as("LogVerifier after the power cut").isEmpty();
    }

    /**
     * Readers see only what is durable. A process that dies between writing a batch and its fsync
     * leaves those records in the page cache: the next open finds them whole and serves them. They
     * must then be made durable (or cut) before they are served, or a power cut takes back events
     * that readers, subscribers and the next appends' positions have already relied on.
     */
    @Test
    void eventsARecoveredStoreServesSurviveALaterPowerCut() throws IOException {
        Path dir = temp.resolve("recovered");
        FaultyFileIO io = new FaultyFileIO();
        StoreConfig.Builder config = StoreConfig.builder(dir);
        List<Append> acknowledged = new ArrayList<>();
        EmbeddedEventStore first = EmbeddedEventStore.open(config.fileIO(io).build());
        try {
            for (int i = 0; i < 5; i++) {
                Append a = append("acked-" + i, "s-" + i % 2, 2, 100, true);
                acknowledged.add(a.acknowledged(Appends.submit(first, a)));
            }
            // The process "dies" after writing the next batch and before its fsync completes.
            io.failNth(FaultyFileIO.Op.FORCE, 1, p -> p.toString().endsWith(".log"));
            Append unsynced = append("written-not-synced", "s-0", 2, 100, true);
            assertThat(catchThrowable(() -> Appends.submit(first, unsynced))).isInstanceOf(StrataException.class);
        } finally {
            try {
                first.close();
            } catch (StrataException e) {
                // the writer had stopped
            }
        }
        io.heal(); // the same machine, the same page cache: nothing was lost yet
        List<RecordedEvent> served;
        EmbeddedEventStore second = EmbeddedEventStore.open(config.fileIO(io).build());
        try {
            served = StoreContents.readAll(second);
            Appends.assertAllPresent(served, acknowledged);
        } finally {
            io.cutPowerUnder(second); // ...and now the power goes
        }
        io.restoreDurableState();
        try (EmbeddedEventStore third = EmbeddedEventStore.open(config.fileIO(FileIO.standard()).build())) {
            List<RecordedEvent> log = StoreContents.readAll(third);
            assertThat(log).as("events after the power cut, against the %d the recovered store served before it", served.size())
                    .hasSizeGreaterThanOrEqualTo(served.size());
            assertThat(log.subList(0, served.size())).as("what the recovered store served").isEqualTo(served);
        }
    }

    private void powerCutRound(Path dir, Durability durability, Random random, boolean somePages, long segmentBytes)
            throws Exception {
        // Small segments and memtable: the cut may land in a segment roll or a checkpoint.
        StoreConfig.Builder config = StoreConfig.builder(dir).durability(durability).segmentBytes(segmentBytes).memtableEntries(16);
        List<Append> acknowledged = Collections.synchronizedList(new ArrayList<>());
        FaultyFileIO io = new FaultyFileIO();
        int cutAt = 1 + random.nextInt(250);
        long threadSeed = random.nextLong();
        EmbeddedEventStore store = EmbeddedEventStore.open(config.fileIO(io).build());
        try {
            io.cutPowerAtOperation(cutAt);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> problems = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        appendUntilFailure(store, new Random(threadSeed + thread), thread, acknowledged);
                    } catch (Throwable e) {
                        problems.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(problems).as("appending threads' problems (power cut at operation %d)", cutAt).isEmpty();
        } finally {
            io.cutPowerUnder(store);
        }
        if (somePages) {
            io.restoreDurableState(random);
        } else {
            io.restoreDurableState();
        }

        // Sometimes the power goes off again while the store recovers.
        if (random.nextInt(4) == 0) {
            FaultyFileIO again = new FaultyFileIO();
            again.cutPowerAtOperation(1 + random.nextInt(6));
            try (EmbeddedEventStore recovering = EmbeddedEventStore.open(config.fileIO(again).build())) {
                Append a = append("during-recovery", "s-0", 1, 10, false);
                Appends.submit(recovering, a);
            } catch (StrataException e) {
                // cut during recovery or the append
            }
            again.cutPower();
            again.restoreDurableState();
        }

        try (EmbeddedEventStore reopened = EmbeddedEventStore.open(config.fileIO(FileIO.standard()).build())) {
            List<RecordedEvent> log = StoreContents.readAll(reopened);
            StoreContents.checkConsistent(reopened, log);
            Map<String, List<RecordedEvent>> present = Appends.assertWholeOrAbsent(log);
            List<Append> acked;
            synchronized (acknowledged) {
                acked = new ArrayList<>(acknowledged);
            }
            if (durability == Durability.FSYNC) {
                Appends.assertAllPresent(log, acked);
            } else {
                // Batched: answered before fsync, so the newest may be lost, but only from the end:
                // what survives is the acknowledged appends up to some point, each where it was.
                acked.sort(Comparator.comparingLong(a -> a.result().firstPosition().value()));
                int survivors = 0;
                while (survivors < acked.size() && present.containsKey(acked.get(survivors).key())) {
                    survivors++;
                }
                Appends.assertAllPresent(log, acked.subList(0, survivors));
                for (Append lost : acked.subList(survivors, acked.size())) {
                    assertThat(present).as("acknowledged append %s survived though %s, acknowledged before it, was lost",
                            lost.key(), acked.get(survivors).key()).doesNotContainKey(lost.key());
                }
            }
            Append after = append("after-cut", "s-after", 2, 50, true);
            AppendResult r = Appends.submit(reopened, after);
            assertThat(r.firstPosition().value()).as("first position after the power cut (cut at operation %d)", cutAt)
                    .isEqualTo(log.size());
        }
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).as("LogVerifier after the power cut").isEmpty();
    }

    private static void appendUntilFailure(EmbeddedEventStore store, Random random, int thread, List<Append> acknowledged) {
        for (int i = 0; i < APPENDS_PER_THREAD; i++) {
            Append a = append("t" + thread + "-" + i, "s-" + random.nextInt(4), 1 + random.nextInt(3),
                    50 + random.nextInt(random.nextInt(8) == 0 ? 6000 : 400), random.nextInt(4) != 0);
            try {
                AppendResult r = Appends.submit(store, a);
                acknowledged.add(a.acknowledged(r));
            } catch (StrataException e) {
                return; // the power is off
            }
        }
    }

    /** Waits until the store's checkpoint file exists (the checkpointer writes it on a thread of its own). */
    private static void awaitCheckpointFile(Path dir) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dir.resolve("checkpoint"))) {
            assertThat(System.nanoTime()).as("a checkpoint was written within 10 s").isLessThan(deadline);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
