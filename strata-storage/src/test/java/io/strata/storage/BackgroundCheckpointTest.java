package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.ForwardingFileIO;
import io.strata.storage.io.ForwardingStorageFile;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index checkpoints are written beside the writer (ADR 0007): while an index file is being written,
 * appends go on and every event stays readable, by stream and by id; only when the next memtable is
 * full too do appends wait for the checkpoint. Index file writes are held back here until the test
 * lets them go.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BackgroundCheckpointTest {
    private static final int MEMTABLE_ENTRIES = 100;
    private static final int STREAMS = 7;

    @TempDir
    Path temp;

    private final HeldIndexWrites io = new HeldIndexWrites(FileIO.standard());
    private final List<Appended> appended = new ArrayList<>();

    @Test
    void appendsGoOnAndEverythingStaysReadableWhileAnIndexFileIsWritten() throws Exception {
        Path dir = temp.resolve("store");
        try (EmbeddedEventStore store = open(dir, io)) {
            appendAll(store, MEMTABLE_ENTRIES); // fills the memtable: the checkpoint starts
            assertThat(io.entered.await(10, TimeUnit.SECONDS)).as("the checkpointer started writing an index file").isTrue();

            for (int i = 0; i < MEMTABLE_ENTRIES / 2; i++) {
                CompletableFuture<AppendResult> next = appendAsync(store);
                assertThat(next.get(10, TimeUnit.SECONDS)).as("append %d while the index file is held back", i).isNotNull();
            }
            assertThat(io.released()).as("nothing let the index file write go").isFalse();
            assertEveryEventReadable(store, "while the first memtable's index file is being written");
            assertRetriesFindTheOriginals(store, "while the first memtable's index file is being written");

            io.release();
        }
        try (EmbeddedEventStore reopened = open(dir, FileIO.standard())) {
            assertEveryEventReadable(reopened, "after reopening");
            assertRetriesFindTheOriginals(reopened, "after reopening");
        }
    }

    @Test
    void appendsWaitOnlyWhenTheNextMemtableIsFullBeforeTheCheckpointEnds() throws Exception {
        Path dir = temp.resolve("store");
        try (EmbeddedEventStore store = open(dir, io)) {
            appendAll(store, MEMTABLE_ENTRIES);
            assertThat(io.entered.await(10, TimeUnit.SECONDS)).isTrue();
            appendAll(store, MEMTABLE_ENTRIES); // fills the second memtable while the first is still being written

            CompletableFuture<AppendResult> waiting = appendAsync(store);
            Thread.sleep(300);
            assertThat(waiting).as("an append with both memtables full, before the checkpoint ends").isNotDone();

            io.release();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).as("the append once the checkpoint ended").isNotNull();
            appendAll(store, 10);
            assertEveryEventReadable(store, "after both checkpoints");
        }
        try (EmbeddedEventStore reopened = open(dir, FileIO.standard())) {
            assertThat(reopened.replayedRecords()).as("records replayed after the last checkpoint (close writes one)").isZero();
            assertEveryEventReadable(reopened, "after reopening");
            assertRetriesFindTheOriginals(reopened, "after reopening");
        }
    }

    // ---- helpers

    private static EmbeddedEventStore open(Path dir, FileIO fileIO) {
        return EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(fileIO).memtableEntries(MEMTABLE_ENTRIES).build());
    }

    /** An append of one event with an id of its own, so both the stream index and the id index fill. */
    private record Appended(String stream, EventData event, CompletableFuture<AppendResult> result) {
    }

    private CompletableFuture<AppendResult> appendAsync(EmbeddedEventStore store) {
        int n = appended.size();
        String stream = "s-" + n % STREAMS;
        EventData event = EventData.builder("Happened").data(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8))
                .id(UUID.nameUUIDFromBytes(("event-" + n).getBytes(StandardCharsets.UTF_8))).build();
        CompletableFuture<AppendResult> result = store.appendAsync(stream, ExpectedRevision.ANY, List.of(event));
        appended.add(new Appended(stream, event, result));
        return result;
    }

    private void appendAll(EmbeddedEventStore store, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            appendAsync(store).get(10, TimeUnit.SECONDS);
        }
    }

    private void assertEveryEventReadable(EmbeddedEventStore store, String when) {
        for (int s = 0; s < STREAMS; s++) {
            String stream = "s-" + s;
            List<RecordedEvent> events = store.readStream(stream, ReadStreamOptions.forwards().limit(10_000)).events();
            List<Appended> expected = appended.stream().filter(a -> a.stream().equals(stream)).toList();
            assertThat(events).as("%s: stream %s", when, stream).hasSize(expected.size());
            for (int i = 0; i < events.size(); i++) {
                RecordedEvent event = events.get(i);
                Appended append = expected.get(i);
                assertThat(event.revision()).as("%s: %s revision", when, stream).isEqualTo(i);
                assertThat(event.id()).as("%s: %s revision %d", when, stream, i).isEqualTo(append.event().id().orElseThrow());
                assertThat(event.position()).isEqualTo(append.result().join().firstPosition());
            }
        }
    }

    /** Retried appends are found by id, in whichever index part their entry is, and not written again. */
    private void assertRetriesFindTheOriginals(EmbeddedEventStore store, String when) {
        long head = store.headPositionExclusive();
        for (int i = 0; i < appended.size(); i += 13) {
            Appended a = appended.get(i);
            AppendResult again = store.append(a.stream(), ExpectedRevision.ANY, List.of(a.event()));
            assertThat(again).as("%s: retry of append %d", when, i).isEqualTo(a.result().join());
        }
        assertThat(store.headPositionExclusive()).as("%s: nothing written by the retries", when).isEqualTo(head);
    }

    /** Holds back every write to an index file (in the {@code index} folder) until {@link #release}. */
    private static final class HeldIndexWrites extends ForwardingFileIO {
        final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);

        HeldIndexWrites(FileIO delegate) {
            super(delegate);
        }

        void release() {
            gate.countDown();
        }

        boolean released() {
            return gate.getCount() == 0;
        }

        @Override
        public StorageFile open(Path path, boolean create) throws IOException {
            StorageFile file = super.open(path, create);
            if (!path.getParent().getFileName().toString().equals(EmbeddedEventStore.INDEX_DIRECTORY)) {
                return file;
            }
            return new ForwardingStorageFile(file) {
                @Override
                public void write(ByteBuffer source, long position) throws IOException {
                    entered.countDown();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while held", e);
                    }
                    super.write(source, position);
                }
            };
        }
    }
}
