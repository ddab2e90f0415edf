package io.strata.storage.fault;

import static io.strata.storage.fault.Appends.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.strata.core.AppendResult;
import io.strata.core.DiskFullException;
import io.strata.core.ExpectedRevision;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.LogVerifier;
import io.strata.storage.StoreConfig;
import io.strata.storage.VerifyReport;
import io.strata.storage.crash.StoreContents;
import io.strata.storage.fault.Appends.Append;
import io.strata.storage.fault.FaultyFileIO.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (and other write errors) fails the append it hit and nothing else: nothing of that
 * append is written, the store stays readable, and it takes appends again as soon as there is room,
 * without being reopened.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskFullTest {
    @TempDir
    Path dir;
    private final FaultyFileIO io = new FaultyFileIO();
    private final List<Append> acknowledged = new ArrayList<>();
    private final List<Append> failed = new ArrayList<>();
    private int keys;
    /** How the append whose segment roll failed ended (an ExecutionException), or why waiting for it did. */
    private Throwable rollOutcome;

    /** Without zeros written ahead, so the disk fills at the bytes of the records (PreallocationTest covers those). */
    private StoreConfig.Builder config() {
        return StoreConfig.builder(dir).fileIO(io).preallocateBytes(0);
    }

    @Test
    void aFullDiskFailsTheAppendWithDiskFullAndTheStoreWritesAgainOnceThereIsRoom() throws IOException {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config().build())) {
            appendOk(store, 10, 1, 200);
            List<RecordedEvent> before = StoreContents.readAll(store);

            io.diskFull(100); // the next record does not fit: 100 of its bytes reach the file, then ENOSPC
            Append a = next("full-1", 2, 200);
            Throwable thrown = catchThrowable(() -> Appends.submit(store, a));
            assertThat(thrown).as("append on a full disk").isInstanceOf(DiskFullException.class);
            assertThat(((StrataException) thrown).code().wireName()).isEqualTo("disk_full");
            failed.add(a);
            Append b = next("full-2", 1, 10);
            assertThat(catchThrowable(() -> Appends.submit(store, b)))
                    .as("another append while the disk is still full").isInstanceOf(DiskFullException.class);
            failed.add(b);

            assertThat(StoreContents.readAll(store)).as("what was there before the disk filled").isEqualTo(before);
            assertThat(store.headPositionExclusive()).isEqualTo(10);

            io.heal();
            AppendResult r = appendOk(store, 1, 3, 200);
            assertThat(r.firstPosition().value()).as("failed appends took no positions").isEqualTo(10);
            appendOk(store, 5, 2, 100);
            assertAcknowledgedAndNothingElse(store);
        }
        assertClosedLogIsIntactAndReopens();
    }

    @Test
    void aFullDiskAtAnyByteOfAnAppendLeavesNoTrace() throws IOException {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config().build())) {
            appendOk(store, 3, 1, 100);
            // A 2-event append of ~2 × 402 bytes: run out of space at every 3rd byte of it.
            for (int budget = 0; budget < 820; budget += 3) {
                io.diskFull(budget);
                Append a = next("budget-" + budget, 2, 300);
                try {
                    acknowledged.add(a.acknowledged(Appends.submit(store, a)));
                } catch (DiskFullException e) {
                    failed.add(a);
                }
                io.heal();
                appendOk(store, 1, 1, 50);
            }
            assertThat(failed).as("appends that hit the full disk").hasSizeGreaterThan(200);
            assertAcknowledgedAndNothingElse(store);
        }
        assertClosedLogIsIntactAndReopens();
    }

    @Test
    void aFullDiskFailsEveryAppendOfAGroupCommitAndNoneOfThemIsWritten() throws Exception {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config().build())) {
            appendOk(store, 5, 1, 100);
            for (int round = 0; round < 20; round++) {
                io.diskFull(round * 150L);
                List<Append> batch = new ArrayList<>();
                List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Append a = next("group-" + round + "-" + i, 1 + i % 3, 120);
                    batch.add(a);
                    futures.add(store.appendAsync(a.stream(), ExpectedRevision.ANY, a.events()));
                }
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        acknowledged.add(batch.get(i).acknowledged(futures.get(i).join()));
                    } catch (CompletionException e) {
                        assertThat(e.getCause()).as("failure of %s", batch.get(i).key()).isInstanceOf(DiskFullException.class);
                        failed.add(batch.get(i));
                    }
                }
                io.heal();
            }
            appendOk(store, 3, 2, 100);
            assertThat(failed).isNotEmpty();
            assertAcknowledgedAndNothingElse(store);
        }
        assertClosedLogIsIntactAndReopens();
    }

    @Test
    void aWriteErrorOtherThanAFullDiskFailsOnlyThatAppend() throws IOException {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config().build())) {
            appendOk(store, 4, 2, 100);
            io.failNth(Op.WRITE, 1, p -> p.toString().endsWith(".log"));
            Append a = next("eio", 2, 100);
            Throwable thrown = catchThrowable(() -> Appends.submit(store, a));
            assertThat(thrown).as("append hit by an I/O error").isInstanceOf(StoreUnavailableException.class);
            failed.add(a);
            appendOk(store, 4, 2, 100);
            assertAcknowledgedAndNothingElse(store);
        }
        assertClosedLogIsIntactAndReopens();
    }

    /**
     * A segment roll that fails half-way (the new file's header did not fit on the disk) must leave
     * nothing that stops the store from opening later, even when appends that still fit go to the
     * old segment in between and a later roll starts a segment at a later position.
     */
    @Test
    void aFullDiskWhileStartingASegmentLeavesNothingThatStopsTheStoreOpening() throws IOException {
        failedRollThenSmallAppendThenRoll(() -> io.diskFull(10));
    }

    /**
     * When making a new segment's folder entry durable fails, that is an fsync failure: the writer
     * stops for good (no acknowledgement after a failed fsync), the half-made segment is removed, and
     * a reopen with healthy I/O holds exactly what was acknowledged and writes on.
     */
    @Test
    void aFailedDirectorySyncWhileStartingASegmentStopsTheWriterAndLeavesNothingThatStopsTheStoreOpening()
            throws IOException {
        EmbeddedEventStore store = EmbeddedEventStore.open(config().segmentBytes(4096).build());
        Path first = dir.resolve("log").resolve(String.format("%020d.log", 0));
        while (Files.size(first) < 4096 - 600) {
            appendOk(store, 1, 1, 100);
        }
        io.failNth(Op.SYNC_DIRECTORY, 1, p -> p.endsWith("log"));
        Append big = next("big", 1, 1500); // does not fit: the new segment's folder sync fails
        failed.add(big);
        Throwable rolled = catchThrowable(() -> store.appendAsync(big.stream(), ExpectedRevision.ANY, big.events())
                .get(5, TimeUnit.SECONDS));
        assertThat(rolled).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreUnavailableException.class);
        io.heal();
        Append after = next("after", 1, 100);
        failed.add(after);
        assertThat(catchThrowable(() -> store.append(after.stream(), ExpectedRevision.ANY, after.events())))
                .as("an append after the failed fsync, even with the disk healthy again")
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(catchThrowable(store::close)).isInstanceOf(StoreUnavailableException.class);
        assertThat(segments()).as("the half-made segment was removed").hasSize(1);
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).isEmpty();
        assertReopensWithWhatWasAcknowledged();
    }

    private void failedRollThenSmallAppendThenRoll(Runnable fault) throws IOException {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config().segmentBytes(4096).build())) {
            // Fill the 4 KiB segment to within 350–600 bytes of its end.
            Path first = dir.resolve("log").resolve(String.format("%020d.log", 0));
            while (Files.size(first) < 4096 - 600) {
                appendOk(store, 1, 1, 100);
            }
            assertThat(segments()).hasSize(1);
            fault.run();
            Append big = next("big", 1, 1500); // does not fit: the writer starts a new segment, which fails
            CompletableFuture<AppendResult> bigFuture = store.appendAsync(big.stream(), ExpectedRevision.ANY, big.events());
            failed.add(big);
            rollOutcome = catchThrowable(() -> bigFuture.get(5, TimeUnit.SECONDS));
            io.heal();
            appendOk(store, 1, 1, 100); // fits in the old segment
            appendOk(store, 3, 1, 1500); // rolls, at a later position than the failed roll
            assertAcknowledgedAndNothingElse(store);
        }
        // Both facts are checked, so a lost future does not hide what the failed roll left on disk.
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(rollOutcome).as("outcome of the append whose segment roll failed (a TimeoutException "
                + "means its future was never completed)").isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StrataException.class);
        softly.assertThatCode(() -> assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).isEmpty())
                .as("LogVerifier after the failed roll").doesNotThrowAnyException();
        softly.assertThatCode(this::assertReopensWithWhatWasAcknowledged)
                .as("reopening the store after the failed roll").doesNotThrowAnyException();
        softly.assertAll();
    }

    // ---- helpers ----

    private Append next(String key, int size, int dataBytes) {
        keys++;
        return append(key + "#" + keys, "stream-" + (char) ('a' + keys % 5), size, dataBytes, keys % 2 == 0);
    }

    /** Appends {@code count} appends that must succeed; returns the last result. */
    private AppendResult appendOk(EmbeddedEventStore store, int count, int size, int dataBytes) {
        AppendResult last = null;
        for (int i = 0; i < count; i++) {
            Append a = next("ok", size, dataBytes);
            last = Appends.submit(store, a);
            acknowledged.add(a.acknowledged(last));
        }
        return last;
    }

    private void assertAcknowledgedAndNothingElse(EmbeddedEventStore store) {
        List<RecordedEvent> log = StoreContents.readAll(store);
        StoreContents.checkConsistent(store, log);
        Appends.assertAllPresent(log, acknowledged);
        Appends.assertAbsent(log, failed);
        assertThat(log).as("events: exactly those acknowledged")
                .hasSize(acknowledged.stream().mapToInt(a -> a.events().size()).sum());
    }

    /**
     * After a clean close the log verifies as intact (no bytes of a failed append left in a file,
     * which a reopen would silently cut as a torn tail), and a reopen with healthy I/O holds exactly
     * what was acknowledged.
     */
    private void assertClosedLogIsIntactAndReopens() throws IOException {
        VerifyReport report = LogVerifier.verify(dir, n -> { });
        assertThat(report.firstProblem()).as("LogVerifier after the faults, before reopening").isEmpty();
        assertReopensWithWhatWasAcknowledged();
    }

    private void assertReopensWithWhatWasAcknowledged() {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            assertThat(store.truncatedBytes()).as("bytes cut when reopening after a clean close").isZero();
            assertAcknowledgedAndNothingElse(store);
            appendOk(store, 2, 2, 100);
            assertAcknowledgedAndNothingElse(store);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            return files.toList();
        }
    }
}
