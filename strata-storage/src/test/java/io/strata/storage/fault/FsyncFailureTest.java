package io.strata.storage.fault;

import static io.strata.storage.fault.Appends.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.ExpectedRevision;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.LogVerifier;
import io.strata.storage.StoreConfig;
import io.strata.storage.crash.StoreContents;
import io.strata.storage.fault.Appends.Append;
import io.strata.storage.fault.FaultyFileIO.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An fsync failure of the log is fatal for the writer: the append it hit fails, and no append is
 * acknowledged afterwards, even when the disk is healthy again (after a failed fsync the kernel may
 * have dropped the dirty pages, so a later fsync that succeeds proves nothing: PostgreSQL's
 * "fsyncgate"). Reopening the store recovers every acknowledged append.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FsyncFailureTest {
    private static final Predicate<Path> SEGMENTS = p -> p.toString().endsWith(".log");

    @TempDir
    Path temp;
    private int keys;

    @Test
    void fsyncFailureStopsTheWriterForGood() throws IOException {
        Path dir = temp.resolve("store");
        FaultyFileIO io = new FaultyFileIO();
        List<Append> acknowledged = new ArrayList<>();
        // No spare segment: its thread's writes (not log data) would count among the writes checked below.
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(io).spareSegment(false).build())) {
            for (int i = 0; i < 10; i++) {
                acknowledged.add(appendOk(store, 1 + i % 3));
            }
            io.failNth(Op.FORCE, 1, SEGMENTS);
            Append hit = next(2);
            Throwable thrown = catchThrowable(() -> Appends.submit(store, hit));
            assertThat(thrown).as("the append whose fsync failed").isInstanceOf(StoreUnavailableException.class);
            assertThat(((StrataException) thrown).code().wireName()).isEqualTo("unavailable");

            long writesAtFailure = io.count(Op.WRITE);
            io.heal(); // the disk works again: the writer must still refuse
            for (int i = 0; i < 5; i++) {
                Append later = next(1);
                assertThat(catchThrowable(() -> Appends.submit(store, later)))
                        .as("append %d after the failed fsync", i).isInstanceOf(StoreUnavailableException.class);
            }
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Append later = next(1);
                futures.add(CompletableFuture.supplyAsync(() -> Appends.submit(store, later)));
            }
            for (CompletableFuture<AppendResult> f : futures) {
                assertThat(catchThrowable(f::join)).isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(StoreUnavailableException.class);
            }
            assertThat(io.count(Op.WRITE)).as("writes after the failed fsync").isEqualTo(writesAtFailure);
            // Reads still serve what was acknowledged.
            Appends.assertAllPresent(StoreContents.readAll(store), acknowledged);
        } catch (StoreUnavailableException e) {
            // close() reports the write failure once more: fine
        }
        assertReopensWithEverythingAcknowledged(dir, acknowledged);
    }

    @Test
    void fsyncFailureAtAnyPointOfTheLogLosesNothingAcknowledged() throws IOException {
        // Small segments so the failing fsync is sometimes that of a segment being sealed, or of a
        // new segment's header; a small memtable so checkpoints run in between.
        List<String> problems = new ArrayList<>();
        for (int n = 1; n <= 40; n++) {
            Path dir = temp.resolve("store-" + n);
            FaultyFileIO io = new FaultyFileIO();
            List<Append> acknowledged = new ArrayList<>();
            int failedAt = -1;
            int acknowledgedAfterFailure = 0;
            try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(io)
                    .segmentBytes(4096).memtableEntries(16).build())) {
                io.failNth(Op.FORCE, n, SEGMENTS);
                for (int i = 0; i < 40; i++) {
                    Append a = next(1 + i % 3);
                    try {
                        AppendResult r = Appends.submit(store, a);
                        if (failedAt >= 0) {
                            acknowledgedAfterFailure++;
                        }
                        acknowledged.add(a.acknowledged(r));
                    } catch (StrataException e) {
                        if (failedAt < 0) {
                            failedAt = i;
                        }
                    }
                }
            } catch (StoreUnavailableException e) {
                // close() after the writer stopped
            }
            String what = "segment fsync #" + n + " failing (" + io.injectedFaults() + ")";
            if (acknowledgedAfterFailure > 0) {
                problems.add(what + ": " + acknowledgedAfterFailure + " appends acknowledged after the failed fsync (first failure at append "
                        + failedAt + ")");
            }
            if (failedAt < 0 && !io.injectedFaults().isEmpty()) {
                problems.add(what + ": no append failed");
            }
            try {
                assertReopensWithEverythingAcknowledged(dir, acknowledged);
            } catch (AssertionError | RuntimeException e) {
                problems.add(what + ": reopening: " + e.getMessage().replace('\n', ' '));
            }
        }
        assertThat(problems).as("what went wrong, per failing fsync").isEmpty();
    }

    @Test
    void fsyncFailureInBatchedModeStopsTheWriterForGood() throws IOException {
        Path dir = temp.resolve("store");
        FaultyFileIO io = new FaultyFileIO();
        List<Append> acknowledged = new ArrayList<>();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(io)
                .durability(Durability.BATCHED).batchedFsyncInterval(Duration.ofMillis(5)).build())) {
            acknowledged.add(appendOk(store, 2));
            io.failNth(Op.FORCE, 1, SEGMENTS);
            acknowledged.add(appendOk(store, 1)); // answered before its (failing) background fsync
            Awaitility.await("an append refused after the background fsync failed").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5)).until(() -> {
                        Append a = next(1);
                        try {
                            acknowledged.add(a.acknowledged(Appends.submit(store, a)));
                            return false;
                        } catch (StoreUnavailableException e) {
                            return true;
                        }
                    });
            io.heal();
            for (int i = 0; i < 5; i++) {
                Append later = next(1);
                assertThat(catchThrowable(() -> Appends.submit(store, later)))
                        .as("append %d after the failed background fsync", i).isInstanceOf(StoreUnavailableException.class);
            }
        } catch (StoreUnavailableException e) {
            // close() after the writer stopped
        }
        // No power was lost: what was answered is in the files, fsync'd or not.
        assertReopensWithEverythingAcknowledged(dir, acknowledged);
    }

    // ---- helpers ----

    private Append next(int size) {
        keys++;
        return append("fsync-" + keys, "stream-" + keys % 4, size, 120 + keys % 200, keys % 3 != 0);
    }

    private Append appendOk(EmbeddedEventStore store, int size) {
        Append a = next(size);
        return a.acknowledged(Appends.submit(store, a));
    }

    /** Reopened with healthy I/O: every acknowledged append is there, all-or-none holds, and it takes appends. */
    private void assertReopensWithEverythingAcknowledged(Path dir, List<Append> acknowledged) throws IOException {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            List<RecordedEvent> log = StoreContents.readAll(store);
            StoreContents.checkConsistent(store, log);
            Appends.assertAllPresent(log, acknowledged);
            Appends.assertWholeOrAbsent(log);
            Append after = next(2);
            AppendResult r = Appends.submit(store, after);
            assertThat(r.firstPosition().value()).isEqualTo(log.size());
        }
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).as("LogVerifier after reopening").isEmpty();
    }
}
