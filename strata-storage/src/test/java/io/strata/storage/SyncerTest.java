package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.StoreUnavailableException;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.ForwardingFileIO;
import io.strata.storage.io.ForwardingStorageFile;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability {@code fsync} with the {@link Syncer}: the writer writes the next large batch while the
 * previous one's fsync runs, and nothing is acknowledged or readable before an fsync that covers it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SyncerTest {
    @TempDir
    Path dir;

    @Test
    void theNextBatchIsWrittenWhileAnFsyncRunsAndAcknowledgedOnlyAfterItsOwn() throws Exception {
        GatedFileIO io = new GatedFileIO();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(io).build())) {
            TwoAppends appends = secondWrittenWhileFirstFsyncHeld(store, io);
            CompletableFuture<AppendResult> first = appends.first();
            CompletableFuture<AppendResult> second = appends.second();

            assertThat(first).as("written, its fsync not done").isNotDone();
            assertThat(second).as("written after the fsync began").isNotDone();
            assertThat(store.readAll(ReadAllOptions.forwards()).events()).as("nothing durable is readable yet").isEmpty();
            int fsyncsSoFar = io.logFsyncs.get();

            io.releaseHeldFsync(null);
            assertThat(first.get(10, TimeUnit.SECONDS).firstPosition().value()).isZero();
            assertThat(second.get(10, TimeUnit.SECONDS).firstPosition().value()).isEqualTo(1);
            assertThat(io.logFsyncs.get()).as("a second fsync covered the second batch").isGreaterThan(fsyncsSoFar);
            assertThat(store.readAll(ReadAllOptions.forwards()).events()).extracting(e -> e.stream()).containsExactly("a", "b");
        }
    }

    @Test
    void aSmallBatchWrittenWhileAnFsyncRunsJoinsTheSyncerAndTheWriterGoesOn() throws Exception {
        GatedFileIO io = new GatedFileIO();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(io).build())) {
            io.holdNextLogFsync();
            CompletableFuture<AppendResult> large = store.appendAsync("a", ExpectedRevision.NO_STREAM, event("1"));
            CompletableFuture<AppendResult> small;
            try {
                io.awaitHeldFsync();
                int writesBefore = io.logWrites.get();
                small = store.appendAsync("b", ExpectedRevision.NO_STREAM, smallEvent());
                await().atMost(Duration.ofSeconds(10)).until(() -> io.logWrites.get() > writesBefore);

                // The writer is free: a later batch, rejected by its check, is answered while the fsync is still held.
                CompletableFuture<AppendResult> rejected = store.appendAsync("c", ExpectedRevision.exactly(5), smallEvent());
                await().atMost(Duration.ofSeconds(10)).until(rejected::isDone);
                assertThat(rejected).isCompletedExceptionally();
                assertThat(small).as("the small batch, written, waits for an fsync that covers it").isNotDone();
                assertThat(large).isNotDone();
            } finally {
                io.releaseHeldFsync(null); // also when an assertion failed, so the store can close
            }
            assertThat(large.get(10, TimeUnit.SECONDS).firstPosition().value()).isZero();
            assertThat(small.get(10, TimeUnit.SECONDS).firstPosition().value()).isEqualTo(1);
            assertThat(store.readAll(ReadAllOptions.forwards()).events()).extracting(e -> e.stream()).containsExactly("a", "b");
        }
    }

    @Test
    void anIdleSyncerFsyncsTheFirstSliceOfABatchWhileTheWriterWritesTheRest() throws Exception {
        GatedFileIO io = new GatedFileIO();
        List<Integer> appendsPerFsync = new CopyOnWriteArrayList<>();
        StoreConfig config = StoreConfig.builder(dir).fileIO(io).preallocateBytes(0).spareSegment(false) // only records are written
                .syncObserver((nanos, appends) -> appendsPerFsync.add(appends)).build();
        assertThat(config.syncSliceBytes()).as("two of these events make a slice").isEqualTo(2 * config.pipelinedBatchBytes());
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config)) {
            List<CompletableFuture<AppendResult>> large = new ArrayList<>();
            CompletableFuture<AppendResult> small;
            io.holdNextLogFsync();
            try {
                small = store.appendAsync("s", ExpectedRevision.NO_STREAM, smallEvent()); // the writer fsyncs it itself
                io.awaitHeldFsync();
                for (String stream : List.of("a", "b", "c", "d")) { // queued behind it: the writer takes them as one batch
                    large.add(store.appendAsync(stream, ExpectedRevision.NO_STREAM, event(stream)));
                }
                io.holdSecondWriteUntilAnFsyncBegins();
            } finally {
                io.releaseHeldFsync(null);
            }
            for (int i = 0; i < large.size(); i++) {
                assertThat(large.get(i).get(10, TimeUnit.SECONDS).firstPosition().value()).isEqualTo(i + 1);
            }
            assertThat(small.get(10, TimeUnit.SECONDS).firstPosition().value()).isZero();
            assertThat(io.secondWriteWaitedForAnFsync).as("the rest was written only once the first slice's fsync had begun").isTrue();
            assertThat(appendsPerFsync).as("the writer's own fsync, the first slice's, the rest's").containsExactly(1, 2, 2);
            assertThat(store.readAll(ReadAllOptions.forwards()).events()).extracting(e -> e.stream()).containsExactly("s", "a", "b", "c", "d");
        }
    }

    @Test
    void anFsyncErrorFailsTheBatchWaitingBehindItAndEverythingAfter() throws Exception {
        GatedFileIO io = new GatedFileIO();
        EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(io).build());
        try {
            store.append("before", ExpectedRevision.NO_STREAM, event("0"));
            TwoAppends appends = secondWrittenWhileFirstFsyncHeld(store, io);
            CompletableFuture<AppendResult> first = appends.first();
            CompletableFuture<AppendResult> second = appends.second();

            io.releaseHeldFsync(new IOException("injected EIO"));
            assertThat(catchThrowable(first::join)).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(StoreUnavailableException.class).hasMessageContaining("fsync of")
                    .hasRootCauseMessage("injected EIO");
            assertThat(catchThrowable(second::join)).as("written, never made durable by a good fsync")
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            Throwable later = catchThrowable(() -> store.append("c", ExpectedRevision.ANY, event("3")));
            assertThat(later).as("no append is acknowledged after an fsync error").isInstanceOf(StoreUnavailableException.class);
            assertThat(store.readAll(ReadAllOptions.forwards()).events()).extracting(e -> e.stream()).containsExactly("before");
        } finally {
            assertThat(catchThrowable(store::close)).as("closing reports the failure").isInstanceOf(StoreUnavailableException.class);
        }
    }

    private record TwoAppends(CompletableFuture<AppendResult> first, CompletableFuture<AppendResult> second) {
    }

    /** Appends to "a" and holds its fsync, then appends to "b" and waits until that batch is written too. */
    private static TwoAppends secondWrittenWhileFirstFsyncHeld(EmbeddedEventStore store, GatedFileIO io) throws InterruptedException {
        io.holdNextLogFsync();
        CompletableFuture<AppendResult> first = store.appendAsync("a", ExpectedRevision.NO_STREAM, event("1"));
        io.awaitHeldFsync();
        int writesBefore = io.logWrites.get();
        CompletableFuture<AppendResult> second = store.appendAsync("b", ExpectedRevision.NO_STREAM, event("2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> io.logWrites.get() > writesBefore);
        return new TwoAppends(first, second);
    }

    /** One event large enough that its batch is handed to the syncer (smaller ones are fsync'd by the writer). */
    private static List<EventData> event(String data) {
        String padded = "\"" + data + " ".repeat(StoreConfig.builder(Path.of(".")).build().pipelinedBatchBytes()) + "\"";
        return List.of(EventData.json("Happened", padded.getBytes(StandardCharsets.UTF_8)));
    }

    /** One small event: its batch, alone, would be fsync'd by the writer. */
    private static List<EventData> smallEvent() {
        return List.of(EventData.json("Happened", "\"small\"".getBytes(StandardCharsets.UTF_8)));
    }

    /** The real file system; the next fsync of a log segment can be held, then let go or failed. */
    private static final class GatedFileIO extends ForwardingFileIO {
        final AtomicInteger logWrites = new AtomicInteger();
        final AtomicInteger logFsyncs = new AtomicInteger();
        private volatile CountDownLatch holdArmed;
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicReference<IOException> failure = new AtomicReference<>();
        private volatile AtomicInteger writesToGate;
        private final CountDownLatch fsyncBegun = new CountDownLatch(1);
        volatile boolean secondWriteWaitedForAnFsync;

        GatedFileIO() {
            super(FileIO.standard());
        }

        void holdNextLogFsync() {
            holdArmed = new CountDownLatch(1);
        }

        void awaitHeldFsync() throws InterruptedException {
            assertThat(held.await(10, TimeUnit.SECONDS)).as("an fsync of the log began").isTrue();
        }

        /** From now on, the second write of the log waits (up to 10 s) until an fsync of the log has begun. */
        void holdSecondWriteUntilAnFsyncBegins() {
            writesToGate = new AtomicInteger(2);
        }

        void releaseHeldFsync(IOException error) {
            failure.set(error);
            released.countDown();
        }

        @Override
        public StorageFile open(Path path, boolean create) throws IOException {
            StorageFile file = super.open(path, create);
            return path.toString().endsWith(Segment.SUFFIX) ? new Gated(file) : file;
        }

        private final class Gated extends ForwardingStorageFile {
            Gated(StorageFile file) {
                super(file);
            }

            @Override
            public void write(ByteBuffer source, long position) throws IOException {
                AtomicInteger gate = writesToGate;
                if (gate != null && gate.decrementAndGet() == 0) {
                    try {
                        secondWriteWaitedForAnFsync = fsyncBegun.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while held", e);
                    }
                }
                super.write(source, position);
                logWrites.incrementAndGet();
            }

            @Override
            public void force() throws IOException {
                if (writesToGate != null) {
                    fsyncBegun.countDown();
                }
                CountDownLatch armed = holdArmed;
                if (armed != null && armed.getCount() > 0) {
                    armed.countDown();
                    held.countDown();
                    try {
                        released.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while held", e);
                    }
                    IOException error = failure.get();
                    if (error != null) {
                        throw error;
                    }
                }
                super.force();
                logFsyncs.incrementAndGet();
            }
        }
    }
}
