package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.ForwardingFileIO;
import io.strata.storage.io.ForwardingStorageFile;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    // ---- helpers

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
