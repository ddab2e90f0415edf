package io.strata.storage.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.strata.core.DiskFullException;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.LogVerifier;
import io.strata.storage.SegmentAccess;
import io.strata.storage.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability fsync zero-fills the newest segment ahead of its records (so most fsyncs need not commit a
 * new file size): the zeros are trimmed on a clean close, cut by recovery after a crash (also when a
 * power cut undid a record written over them), accepted by verify, and a disk too full for them fails
 * the append without a trace.
 */
class PreallocationTest {
    private static final int AHEAD = 1 << 20;

    @TempDir
    Path temp;

    @Test
    void smallAppendsAreWrittenIntoZerosAheadAndACleanCloseTrimsThem() throws IOException {
        Path dir = temp.resolve("store");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            appendSmall(store, 20);
            Path segment = onlySegment(dir);
            assertThat(Files.size(segment)).as("zeros written ahead").isGreaterThanOrEqualTo(AHEAD);
            assertThat(tailIsZeros(segment, 20 * 400)).isTrue();
        }
        long size = Files.size(onlySegment(dir));
        assertThat(size).as("trimmed to the records on close").isLessThan(20 * 400);
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).isEmpty();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            assertThat(store.truncatedBytes()).isZero();
            assertThat(all(store)).hasSize(20);
        }
    }

    @Test
    void afterACrashVerifyAcceptsTheZerosAndReopeningCutsThemKeepingEveryEvent() throws IOException {
        Path dir = temp.resolve("store");
        Path crashed = temp.resolve("crashed");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            appendSmall(store, 30);
            copyWithoutLock(dir, crashed); // the folder as a crash would leave it: every append fsync'd, zeros after
        }
        long zeros = Files.size(onlySegment(crashed)) - Files.size(onlySegment(dir));
        assertThat(zeros).isPositive();
        assertThat(LogVerifier.verify(crashed, n -> { }).firstProblem()).as("zeros after the last record").isEmpty();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(crashed).build())) {
            assertThat(store.truncatedBytes()).isEqualTo(zeros);
            assertThat(all(store)).hasSize(30);
            appendSmall(store, 5);
            assertThat(all(store)).hasSize(35);
        }
    }

    @Test
    void aPowerCutLosesARecordWrittenOverTheZerosBeforeItsFsync() throws IOException {
        Path dir = temp.resolve("store");
        FaultyFileIO io = new FaultyFileIO();
        // No spare segment: its thread's file operations would count towards the cut's operation number.
        EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(io).spareSegment(false).build());
        try {
            appendSmall(store, 3); // acknowledged: zeros ahead and these records are fsync'd
            io.cutPowerAtOperation(2); // the next append writes its record over the zeros (1), then fsyncs (2)
            Throwable thrown = catchThrowable(() -> appendSmall(store, 1));
            assertThat(thrown).as("the unsynced append is not acknowledged").isNotNull();
        } finally {
            io.cutPowerUnder(store);
        }
        io.restoreDurableState();
        assertThat(io.overwritesUndone()).as("the record's bytes went back to the fsync'd zeros").isPositive();
        try (EmbeddedEventStore reopened = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            assertThat(all(reopened)).as("the three acknowledged appends, not the fourth").hasSize(3);
            assertThat(reopened.truncatedBytes()).as("recovery cut the zeros").isPositive();
        }
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).isEmpty();
    }

    @Test
    void aFullDiskFailsTheAppendAndTheStoreGoesOnOnceThereIsRoom() throws IOException {
        Path dir = temp.resolve("store");
        FaultyFileIO io = new FaultyFileIO();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).fileIO(io).build())) {
            appendSmall(store, 3);
            long before = Files.size(onlySegment(dir));
            io.diskFull(0);
            assertThat(catchThrowable(() -> appendSmall(store, 1))).isInstanceOf(DiskFullException.class);
            // The failed batch is cut back to where it began, the zeros ahead with it: the file never grows.
            assertThat(Files.size(onlySegment(dir))).as("nothing written, no zeros half-added").isLessThanOrEqualTo(before);
            assertThat(all(store)).hasSize(3);
            io.heal();
            appendSmall(store, 2);
            assertThat(all(store)).hasSize(5);
        }
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).isEmpty();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            assertThat(all(store)).hasSize(5);
        }
    }

    @Test
    void zerosThatDoNotFitAreCutBackAndTheSegmentStaysUsable() throws IOException {
        FaultyFileIO io = new FaultyFileIO();
        Path log = temp.resolve("log");
        Files.createDirectories(log);
        try (SegmentAccess segment = SegmentAccess.create(io, log)) {
            segment.append(new byte[500]);
            long records = segment.size();
            io.diskFull(10_000); // 10,000 of the zeros reach the file, then ENOSPC
            assertThat(catchThrowable(() -> segment.preallocate(records + AHEAD))).isInstanceOf(IOException.class)
                    .hasMessageContaining(FaultyFileIO.NO_SPACE);
            assertThat(segment.fileSize()).as("cut back to the records").isEqualTo(records);
            assertThat(segment.allocated()).isEqualTo(records);
            io.heal();
            segment.preallocate(records + AHEAD);
            assertThat(segment.fileSize()).isEqualTo(records + AHEAD);
            segment.append(new byte[100]);
            assertThat(segment.size()).isEqualTo(records + 100);
            assertThat(segment.fileSize()).as("the record went into the zeros").isEqualTo(records + AHEAD);
        }
    }

    @Test
    void largeBatchesAndOtherDurabilitiesWriteNoZeros() throws IOException {
        Path fsync = temp.resolve("fsync");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(fsync).build())) {
            store.append("big", ExpectedRevision.ANY, List.of(EventData.json("Big", jsonOf(AHEAD / 4 + 1000))));
            assertThat(Files.size(onlySegment(fsync))).as("a large batch shares its fsync anyway").isLessThan(AHEAD / 4 + 2000);
        }
        for (Durability durability : new Durability[] {Durability.BATCHED, Durability.NONE}) {
            Path dir = temp.resolve(durability.wireName());
            try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).durability(durability).build())) {
                appendSmall(store, 10);
                assertThat(Files.size(onlySegment(dir))).as(durability.wireName()).isLessThan(10 * 400);
            }
        }
    }

    private static void appendSmall(EmbeddedEventStore store, int count) {
        for (int i = 0; i < count; i++) {
            store.append("s-" + i % 3, ExpectedRevision.ANY, List.of(EventData.json("Happened", jsonOf(100))));
        }
    }

    private static byte[] jsonOf(int bytes) {
        return ("\"" + "x".repeat(bytes) + "\"").getBytes(StandardCharsets.UTF_8);
    }

    private static List<RecordedEvent> all(EmbeddedEventStore store) {
        return store.readAll(ReadAllOptions.forwards().limit(100_000)).events();
    }

    private static Path onlySegment(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            List<Path> segments = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
            assertThat(segments).hasSize(1);
            return segments.get(0);
        }
    }

    private static boolean tailIsZeros(Path segment, long from) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        for (long i = from; i < bytes.length; i++) {
            if (bytes[(int) i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void copyWithoutLock(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().equals("LOCK")) {
                    Files.copy(source, target);
                }
            }
        }
    }
}
