package io.strata.storage.fault;

import static io.strata.storage.fault.Appends.append;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.AppendResult;
import io.strata.core.ErrorCode;
import io.strata.core.ExpectedRevision;
import io.strata.core.RecordedEvent;
import io.strata.core.StrataException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.LogVerifier;
import io.strata.storage.StoreConfig;
import io.strata.storage.crash.StoreContents;
import io.strata.storage.fault.Appends.Append;
import io.strata.storage.fault.FaultyFileIO.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints (index files written out, then the checkpoint file naming them, each by temporary
 * file, fsync, rename and folder sync) may fail at any step without losing an acknowledged event:
 * the log is the truth and the indexes are rebuilt from it. A small memtable makes checkpoints
 * happen every few appends.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CheckpointFaultTest {
    /** Index files, the checkpoint and their temporaries, and the folders holding them: not the log. */
    private static final Predicate<Path> NOT_THE_LOG = p -> !p.toString().endsWith(".log") && !p.endsWith("log");

    @TempDir
    Path temp;
    private int keys;

    @Test
    void aFailureAtAnyStepOfACheckpointLosesNoAcknowledgedEvent() throws IOException {
        for (Op op : new Op[] {Op.RENAME, Op.SYNC_DIRECTORY, Op.FORCE, Op.WRITE, Op.TRUNCATE, Op.CREATE}) {
            for (int n = 1; n <= 6; n++) {
                String what = op + " #" + n + " of the checkpoint files fails";
                Path dir = temp.resolve(op + "-" + n);
                FaultyFileIO io = new FaultyFileIO();
                List<Append> acknowledged = new ArrayList<>();
                List<Append> failed = new ArrayList<>();
                try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, io).build())) {
                    io.failNth(op, n, NOT_THE_LOG);
                    for (int i = 0; i < 40; i++) {
                        appendRecording(store, next(1 + i % 3), acknowledged, failed, what);
                    }
                    io.heal();
                    for (int i = 0; i < 10; i++) {
                        Append a = next(2);
                        acknowledged.add(a.acknowledged(Appends.submit(store, a)));
                    }
                    assertHolds(store, acknowledged, failed, what + " (before reopening)");
                }
                assertReopensWith(dir, acknowledged, failed, what);
            }
        }
    }

    @Test
    void aCheckpointThatKeepsFailingFailsAppendsUntilItWorksAgain() throws IOException {
        Path dir = temp.resolve("store");
        FaultyFileIO io = new FaultyFileIO();
        List<Append> acknowledged = new ArrayList<>();
        List<Append> failed = new ArrayList<>();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, io).build())) {
            io.failFrom(Op.RENAME, 1, NOT_THE_LOG);
            for (int i = 0; i < 40; i++) {
                appendRecording(store, next(1), acknowledged, failed, "renames failing");
            }
            assertThat(failed).as("appends refused while no checkpoint could be written").isNotEmpty();
            io.heal();
            for (int i = 0; i < 20; i++) {
                Append a = next(1 + i % 2);
                acknowledged.add(a.acknowledged(Appends.submit(store, a)));
            }
            assertHolds(store, acknowledged, failed, "after renames work again, without reopening");
        }
        assertReopensWith(dir, acknowledged, failed, "renames failed for a while");
    }

    @Test
    void appendsWithMoreEventsThanTheMemtableHasRoomForAreIndexed() throws IOException {
        // 16 entries a memtable: a checkpoint runs once it is full, after the batch that filled it.
        // Appends of 5 events (and one of 40) cross that boundary in the middle of a batch.
        Path dir = temp.resolve("store");
        List<Append> acknowledged = new ArrayList<>();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, new FaultyFileIO()).build())) {
            for (int i = 0; i < 10; i++) {
                Append a = next(5);
                acknowledged.add(a.acknowledged(Appends.submit(store, a)));
            }
            Append large = next(40);
            acknowledged.add(large.acknowledged(Appends.submit(store, large)));
            assertHolds(store, acknowledged, List.of(), "appends larger than the memtable's room");
        }
        assertReopensWith(dir, acknowledged, List.of(), "appends larger than the memtable's room");
    }

    // ---- helpers ----

    private static StoreConfig.Builder config(Path dir, FaultyFileIO io) {
        return StoreConfig.builder(dir).fileIO(io).memtableEntries(16);
    }

    private Append next(int size) {
        keys++;
        // Mostly client-supplied ids, so the id index (and its checkpoints) are exercised too.
        return append("ckpt-" + keys, "stream-" + keys % 5, size, 50 + keys % 100, keys % 4 != 0);
    }

    /** Appends; a refusal must say the disk is full or the store unavailable, and then nothing was written. */
    private static void appendRecording(EmbeddedEventStore store, Append a, List<Append> acknowledged, List<Append> failed,
                                        String what) {
        try {
            acknowledged.add(a.acknowledged(Appends.submit(store, a)));
        } catch (StrataException e) {
            assertThat(e.code()).as("error when %s: %s", what, e.getMessage()).isIn(ErrorCode.DISK_FULL, ErrorCode.UNAVAILABLE);
            failed.add(a);
        }
    }

    private static void assertHolds(EmbeddedEventStore store, List<Append> acknowledged, List<Append> failed, String what) {
        List<RecordedEvent> log;
        try {
            log = StoreContents.readAll(store);
            StoreContents.checkConsistent(store, log);
            Appends.assertAllPresent(log, acknowledged);
            Appends.assertAbsent(log, failed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
        // Idempotent retries find the original appends, so the id index survived too.
        for (Append a : acknowledged) {
            if (a.events().get(0).id().isPresent()) {
                AppendResult again = Appends.submit(store, a);
                assertThat(again).as("%s: retry of acknowledged append %s", what, a.key()).isEqualTo(a.result());
            }
        }
        assertThat(StoreContents.readAll(store)).as("%s: the log after retries", what).hasSize(log.size());
    }

    private void assertReopensWith(Path dir, List<Append> acknowledged, List<Append> failed, String what) throws IOException {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).memtableEntries(16).build())) {
            assertHolds(store, acknowledged, failed, what + " (after reopening)");
        }
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).as("LogVerifier: %s", what).isEmpty();
    }
}
