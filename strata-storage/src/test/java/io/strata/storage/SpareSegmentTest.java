package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.ForwardingFileIO;
import io.strata.storage.io.ForwardingStorageFile;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The next segment's file is made beforehand, zeros written and fsync'd, by a thread of its own (ADR 0008),
 * once the active segment is a quarter full: a roll starts from it; the records it holds survive a crash and a reopen; it is gone after a clean
 * close; and when it cannot be made, rolls create their segment as before.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SpareSegmentTest {
    /** Four times the zeros written ahead below, so a segment started without the spare is shorter than this. */
    private static final long SEGMENT_BYTES = 256 << 10;
    private static final int ZEROS_AHEAD = 64 << 10;
    private static final int EVENT_BYTES = 1000;

    @TempDir
    Path temp;
    private final NumberedAppends appends = new NumberedAppends(EVENT_BYTES);

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"FSYNC", "BATCHED"})
    void rollsStartFromTheSpareAndACrashKeepsEveryAppend(Durability durability) throws Exception {
        Path dir = temp.resolve("store");
        Path crashed = temp.resolve("crashed");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, FileIO.standard(), durability))) {
            assertThat(Files.exists(spareFile(dir))).as("no spare while the first segment is nearly empty").isFalse();
            for (int segment = 1; segment <= 3; segment++) {
                Path before = newestSegment(dir);
                for (int i = 0; i < SEGMENT_BYTES / 4 / EVENT_BYTES + 10; i++) {
                    appends.appendOne(store); // past a quarter of the segment: the spare is asked for
                }
                awaitSpare(store);
                while (newestSegment(dir).equals(before)) {
                    appends.appendOne(store);
                }
                assertThat(Files.size(newestSegment(dir))).as("segment %d, started from the spare: all zeros ahead", segment)
                        .isEqualTo(SEGMENT_BYTES);
            }
            for (int i = 0; i < SEGMENT_BYTES / 4 / EVENT_BYTES + 10; i++) {
                appends.appendOne(store);
            }
            awaitSpare(store);
            assertThat(Files.exists(spareFile(dir))).as("a spare for the next roll, left by the crash").isTrue();
            copyWithoutLock(dir, crashed); // the folder as a process crash leaves it: every append written
        }
        assertThat(Files.exists(spareFile(dir))).as("the spare, after a clean close").isFalse();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, FileIO.standard(), durability))) {
            appends.assertEveryAppendIn(store, "after a clean close");
        }

        assertThat(LogVerifier.verify(crashed, n -> { }).firstProblem()).as("verify after the crash").isEmpty();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(crashed, FileIO.standard(), durability))) {
            assertThat(store.truncatedBytes()).as("the spare's zeros after the last record, cut").isPositive();
            appends.assertEveryAppendIn(store, "after the crash");
            appends.appendOne(store);
            appends.assertEveryAppendIn(store, "after the crash and one more append");
        }
        assertThat(LogVerifier.verify(crashed, n -> { }).firstProblem()).isEmpty();
    }

    @Test
    void whenNoSpareCanBeMadeRollsCreateTheirSegmentAsBefore() throws Exception {
        Path dir = temp.resolve("store");
        FileIO failingSpares = new ForwardingFileIO(FileIO.standard()) {
            @Override
            public StorageFile open(Path path, boolean create) throws IOException {
                StorageFile file = super.open(path, create);
                if (!path.getFileName().toString().equals(SpareSegment.FILE_NAME)) {
                    return file;
                }
                return new ForwardingStorageFile(file) {
                    @Override
                    public void write(ByteBuffer source, long position) throws IOException {
                        throw new IOException("No space left on device");
                    }
                };
            }
        };
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, failingSpares, Durability.FSYNC))) {
            for (int i = 0; i < 3 * SEGMENT_BYTES / EVENT_BYTES; i++) {
                appends.appendOne(store);
            }
            assertThat(store.spareSegmentReady()).isFalse();
            assertThat(segments(dir)).as("segments rolled without a spare").hasSizeGreaterThan(2);
            assertThat(Files.exists(spareFile(dir))).as("no half-made spare left").isFalse();
            appends.assertEveryAppendIn(store, "without spares");
        }
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).isEmpty();
    }

    /**
     * The spare keeps to twice the log's growth since it was asked for, a chunk ahead, and never past its
     * size; only a log slower than 100 MiB/s is paced at all.
     */
    @Test
    void aSpareKeepsToTwiceTheLogsPace() {
        long bytes = 256L << 20;
        long chunk = SpareSegment.CHUNK_BYTES;
        assertThat(SpareSegment.isAheadOfLog(0, bytes, 0)).as("the first chunk is always due").isFalse();
        assertThat(SpareSegment.isAheadOfLog(chunk, bytes, 0)).as("a chunk ahead of a log that stands still").isTrue();
        assertThat(SpareSegment.isAheadOfLog(chunk, bytes, 1 << 20)).as("the log grew 1 MiB: 2 MiB more due").isFalse();
        assertThat(SpareSegment.isAheadOfLog(chunk + (2 << 20), bytes, 1 << 20)).isTrue();
        assertThat(SpareSegment.isAheadOfLog(bytes - 1, bytes, bytes / 2)).as("half a segment of log: all due").isFalse();
        assertThat(SpareSegment.isAheadOfLog(bytes, bytes, Long.MAX_VALUE / 4)).as("whole").isTrue();

        long second = 1_000_000_000L;
        assertThat(SpareSegment.isSlow(3_300_000, second)).as("W6's log: paced").isTrue();
        assertThat(SpareSegment.isSlow(45_000_000, second)).as("W2's log: paced").isTrue();
        assertThat(SpareSegment.isSlow(330_000_000, second)).as("W3's log: flat out").isFalse();
    }

    /** A large segment's spare is made only for a log growing at least 16 MiB/s; a small one's always. */
    @Test
    void aSlowLogGetsNoSpareOfALargeSegment() {
        long second = 1_000_000_000L;
        long large = 256L << 20;
        assertThat(SpareSegment.isWorthMaking(large, 3_300_000, second)).as("W6's log").isFalse();
        assertThat(SpareSegment.isWorthMaking(large, 15L << 20, second)).as("just below the bound").isFalse();
        assertThat(SpareSegment.isWorthMaking(large, 16L << 20, second)).as("at the bound").isTrue();
        assertThat(SpareSegment.isWorthMaking(large, 45_000_000, second)).as("W2's log").isTrue();
        assertThat(SpareSegment.isWorthMaking(SpareSegment.PACED_FROM_BYTES - 1, 0, second))
                .as("a small segment, whatever its pace").isTrue();
    }

    /**
     * Through a store of large segments: appends that pass the quarter mark slowly leave the writer to
     * zero-fill ahead of itself, and the same appends made quickly get a spare.
     */
    @Test
    void aStoreOfLargeSegmentsMakesASpareOnlyForAFastLog() throws Exception {
        long segmentBytes = SpareSegment.PACED_FROM_BYTES;
        int appendBytes = 1 << 20;
        int quarterAndOne = (int) (segmentBytes / 4 / appendBytes) + 1;
        Path slow = temp.resolve("slow");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(largeSegments(slow, segmentBytes))) {
            long started = System.nanoTime();
            for (int i = 0; i < quarterAndOne; i++) {
                appendMebibyte(store, "slow-" + i);
                Thread.sleep(100); // ~10 MiB/s, or slower on a slow machine
            }
            long nanos = System.nanoTime() - started;
            assertThat(SpareSegment.isWorthMaking(segmentBytes, (long) quarterAndOne * appendBytes, nanos))
                    .as("the pace these appends kept").isFalse();
            Thread.sleep(200);
            assertThat(Files.exists(spareFile(slow))).as("a spare for a log growing ~10 MiB/s").isFalse();
            assertThat(store.spareSegmentReady()).isFalse();
        }
        Path fast = temp.resolve("fast");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(largeSegments(fast, segmentBytes))) {
            for (int i = 0; i < quarterAndOne; i++) {
                appendMebibyte(store, "fast-" + i);
            }
            // Being made: a paced spare writes a chunk ahead of a log that has stopped, and waits for it.
            awaitCondition(() -> Files.exists(spareFile(fast)), "a spare begun for a log growing fast");
        }
    }

    private static StoreConfig largeSegments(Path dir, long segmentBytes) {
        // batched: the pace is the writer's, not the disk's fsync latency, so the fast log is fast on any machine
        return StoreConfig.builder(dir).durability(Durability.BATCHED).segmentBytes(segmentBytes).build();
    }

    private static void appendMebibyte(EmbeddedEventStore store, String stream) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            events.add(EventData.builder("Blob").data(new byte[(64 << 10) - 256]).contentType("application/octet-stream").build());
        }
        store.append(stream, ExpectedRevision.NO_STREAM, events);
    }

    /**
     * A spare of a large segment is written a chunk at a time while the log stands still, each chunk
     * fsync'd, and finishes once the log grows; a log growing faster than the spare gets it flat out
     * with one fsync, as a spare of a small segment does.
     */
    @Test
    void aLargeSpareWaitsForASlowLogAndRacesAFastOne() throws Exception {
        long bytes = SpareSegment.PACED_FROM_BYTES;
        AtomicLong logEnd = new AtomicLong(1_000);
        AtomicInteger forces = new AtomicInteger();
        Path dir = Files.createDirectories(temp.resolve("log"));
        SpareSegment spare = new SpareSegment(countingForces(forces), dir, bytes, logEnd::get);
        spare.start();
        try {
            spare.prepareNext();
            Path file = dir.resolve(SpareSegment.FILE_NAME);
            awaitCondition(() -> forces.get() == 1, "the first chunk fsync'd");
            Thread.sleep(200);
            assertThat(spare.isReady()).as("not whole while the log stands still").isFalse();
            assertThat(Files.size(file)).as("one chunk written").isEqualTo(SpareSegment.CHUNK_BYTES);
            assertThat(forces.get()).isEqualTo(1);

            logEnd.addAndGet(SpareSegment.CHUNK_BYTES); // two chunks more are due; fsync'd as it waits again
            awaitCondition(() -> forces.get() == 2, "the spare ahead again");
            Thread.sleep(200);
            assertThat(Files.size(file)).as("three chunks written").isEqualTo(3 * SpareSegment.CHUNK_BYTES);
            logEnd.addAndGet(bytes); // the log raced ahead: the rest flat out, one fsync at the end
            awaitCondition(spare::isReady, "the spare whole");
            assertThat(Files.size(file)).isEqualTo(bytes);
            assertThat(forces.get()).isEqualTo(3);
        } finally {
            spare.close();
        }

        forces.set(0);
        AtomicLong racingLog = new AtomicLong();
        SpareSegment raced = new SpareSegment(countingForces(forces), dir, bytes, () -> racingLog.addAndGet(1L << 30));
        raced.start();
        try {
            raced.prepareNext();
            awaitCondition(raced::isReady, "a spare behind its log whole");
            assertThat(forces.get()).as("behind all the way: one fsync").isEqualTo(1);
        } finally {
            raced.close();
        }
    }

    // ---- helpers

    private static FileIO countingForces(AtomicInteger forces) {
        return new ForwardingFileIO(FileIO.standard()) {
            @Override
            public StorageFile open(Path path, boolean create) throws IOException {
                return new ForwardingStorageFile(super.open(path, create)) {
                    @Override
                    public void force() throws IOException {
                        forces.incrementAndGet();
                        super.force();
                    }
                };
            }
        };
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static StoreConfig config(Path dir, FileIO io, Durability durability) {
        return StoreConfig.builder(dir).fileIO(io).durability(durability).segmentBytes(SEGMENT_BYTES)
                .preallocateBytes(ZEROS_AHEAD).build();
    }

    private static void awaitSpare(EmbeddedEventStore store) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!store.spareSegmentReady()) {
            assertThat(System.nanoTime()).as("a spare segment made within 30 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static Path spareFile(Path dir) {
        return dir.resolve(EmbeddedEventStore.LOG_DIRECTORY).resolve(SpareSegment.FILE_NAME);
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(EmbeddedEventStore.LOG_DIRECTORY))) {
            return files.filter(p -> p.toString().endsWith(Segment.SUFFIX)).sorted().toList();
        }
    }

    private static Path newestSegment(Path dir) throws IOException {
        List<Path> segments = segments(dir);
        return segments.get(segments.size() - 1);
    }

    private static void copyWithoutLock(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source));
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().equals(EmbeddedEventStore.LOCK_FILE)) {
                    Files.copy(source, target);
                }
            }
        }
    }
}
