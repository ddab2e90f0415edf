package io.strata.storage.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.strata.core.AppendResult;
import io.strata.core.CorruptedDataException;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.LogVerifier;
import io.strata.storage.StoreConfig;
import io.strata.storage.VerifyReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What recovery makes of a damaged log, byte by byte: a torn or damaged tail is cut back to the last
 * whole atomic append and the store carries on; damage anywhere else is reported, naming the record,
 * and nothing is cut.
 *
 * <p>Each case writes an in-memory image of a store (taken while it was open, as a crash leaves it)
 * with one change to a fresh folder, opens it, checks it and appends to it. The reopenings skip fsync
 * ({@link NoSyncFileIO}): what is examined is recovery's reading of the bytes, and there are thousands.
 */
class TornTailTest {
    /** Every record of the fixtures is this long, so "the last record" is 2,048 bits. */
    private static final int RECORD_BYTES = 256;
    /** A record's bytes besides its names and data: as an append's last record, and as one before it. */
    private static final int FIXED_LAST_RECORD_BYTES = 94;
    private static final int FIXED_INNER_RECORD_BYTES = 70;

    /** Held so the level sticks: recovery warns once a case, thousands of times. */
    private static final Logger ENGINE_LOG = Logger.getLogger("io.strata.storage");
    private static Level engineLogLevel;

    @TempDir
    Path diskTemp;
    /** Where the cases' folders go: tmpfs when there is one (creating files there is ~10× faster). */
    private Path temp;
    private boolean ownTemp;
    private final java.util.concurrent.atomic.AtomicInteger folders = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void quietRecoveryWarnings() {
        engineLogLevel = ENGINE_LOG.getLevel();
        ENGINE_LOG.setLevel(Level.SEVERE);
    }

    @AfterAll
    static void restoreLogging() {
        ENGINE_LOG.setLevel(engineLogLevel);
    }

    @BeforeEach
    void chooseScratchFolder() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            temp = Files.createTempDirectory(shm, "strata-torn-tail-");
            ownTemp = true;
        } else {
            temp = diskTemp;
        }
    }

    @AfterEach
    void deleteScratchFolder() {
        if (ownTemp) {
            StoreImage.delete(temp);
        }
    }

    /** A crash image and where its last append lies. */
    private record Fixture(StoreImage image, String segment, long tailStart, long tailEnd, List<RecordedEvent> events,
                           int memtableEntries) {
        /** The events before the last append. */
        List<RecordedEvent> beforeTail(int lastAppendSize) {
            return events.subList(0, events.size() - lastAppendSize);
        }
    }

    // ---- torn tails ----

    @Test
    void cuttingTheLastRecordAnywhereLosesOnlyThatRecord() {
        Fixture f = fixture(40, 1, 1024, 256L << 20, false);
        assertThat(f.tailEnd() - f.tailStart()).isEqualTo(RECORD_BYTES);
        byte[] segment = f.image().file(f.segment());
        for (long cut = f.tailStart(); cut < f.tailEnd(); cut++) {
            byte[] damaged = Arrays.copyOf(segment, (int) cut);
            StoreImage.delete(assertRecoversTo(f, f.image().with(f.segment(), damaged), f.beforeTail(1), cut - f.tailStart(),
                    "segment cut at offset " + cut + " inside the last record [" + f.tailStart() + ", " + f.tailEnd() + ")"));
        }
    }

    @Test
    void cuttingTheLastRecordAfterACheckpointLosesOnlyThatRecord() {
        // memtableEntries 16: index files and a checkpoint are written after events 16 and 32, so
        // recovery replays from the checkpoint, not from the start of the log.
        Fixture f = fixture(39, 1, 16, 256L << 20, false);
        assertThat(f.image().names()).contains("checkpoint");
        byte[] segment = f.image().file(f.segment());
        for (long cut = f.tailStart(); cut < f.tailEnd(); cut++) {
            StoreImage.delete(assertRecoversTo(f, f.image().with(f.segment(), Arrays.copyOf(segment, (int) cut)), f.beforeTail(1),
                    cut - f.tailStart(), "segment cut at offset " + cut + " inside the last record, after a checkpoint"));
        }
    }

    @Test
    void flippingAnyBitOfTheLastRecordLosesOnlyThatRecord() {
        Fixture f = fixture(40, 1, 1024, 256L << 20, false);
        flipEveryBitOfTheTail(f, 1);
    }

    @Test
    void flippingAnyBitOfTheLastRecordAfterACheckpointLosesOnlyThatRecord() {
        Fixture f = fixture(39, 1, 16, 256L << 20, false);
        flipEveryBitOfTheTail(f, 1);
    }

    private void flipEveryBitOfTheTail(Fixture f, int lastAppendSize) {
        byte[] segment = f.image().file(f.segment());
        int bits = (int) (f.tailEnd() - f.tailStart()) * 8;
        // Two at a time (each case has its own folder): the cases are independent and CI has 2 cores.
        IntStream.range(0, bits).parallel().forEach(i -> {
            int at = (int) f.tailStart() + i / 8;
            int bit = i % 8;
            byte[] damaged = segment.clone();
            damaged[at] ^= (byte) (1 << bit);
            StoreImage.delete(assertRecoversTo(f, f.image().with(f.segment(), damaged), f.beforeTail(lastAppendSize),
                    f.tailEnd() - f.tailStart(), "bit " + bit + " of byte " + at + " flipped in the last record ["
                            + f.tailStart() + ", " + f.tailEnd() + ")"));
        });
    }

    @Test
    void cuttingAMultiEventAppendAnywhereLosesTheWholeAppendAndNothingBefore() {
        Fixture f = fixture(20, 3, 1024, 256L << 20, false);
        assertThat(f.tailEnd() - f.tailStart()).isEqualTo(3 * RECORD_BYTES);
        byte[] segment = f.image().file(f.segment());
        // Every offset of the append: in its first record, at the boundaries between its records
        // (whole records, but not the whole append), in its middle record, in its last.
        for (long cut = f.tailStart(); cut < f.tailEnd(); cut++) {
            StoreImage.delete(assertRecoversTo(f, f.image().with(f.segment(), Arrays.copyOf(segment, (int) cut)), f.beforeTail(3),
                    cut - f.tailStart(), "a three-event append [" + f.tailStart() + ", " + f.tailEnd() + ") cut at " + cut));
        }
    }

    @Test
    void cuttingAnAppendThatStartedANewSegmentLeavesThatSegmentEmpty() {
        // 13 records fill a 4 KiB segment to 3,392 bytes: the 768-byte append starts the next one.
        Fixture f = fixture(13, 3, 1024, 4096, false);
        assertThat(f.segment()).isEqualTo("log/00000000000000000013.log");
        assertThat(f.tailStart()).isEqualTo(64);
        byte[] segment = f.image().file(f.segment());
        for (long cut = f.tailStart(); cut < f.tailEnd(); cut++) {
            StoreImage.delete(assertRecoversTo(f, f.image().with(f.segment(), Arrays.copyOf(segment, (int) cut)), f.beforeTail(3),
                    cut - f.tailStart(), "the append that began segment " + f.segment() + " cut at " + cut));
        }
    }

    /**
     * After a power cut a disk may have written back a later page of the unsynced tail but not an
     * earlier one: the file then holds zeros where the append began and whole records after them.
     * Nothing there was acknowledged (it is all past the last fsync), so it is a torn tail.
     *
     * <p>Recovery looks past damage for whole records to tell a torn tail from corruption, but a
     * page of zeros is what a lost write-back looks like, so there it cuts (see Recovery).
     */
    @Test
    void zerosWhereTheLastAppendBeganWithItsLaterRecordsWholeAreATornTail() {
        // 14 records end at 3,648; the 10-record append runs to 6,208, across the 4 KiB page boundary.
        Fixture f = fixture(14, 10, 1024, 256L << 20, false);
        assertThat(f.tailStart()).isEqualTo(3648);
        byte[] segment = f.image().file(f.segment());
        Arrays.fill(segment, (int) f.tailStart(), 4096, (byte) 0);
        assertRecoversTo(f, f.image().with(f.segment(), segment), f.beforeTail(10), f.tailEnd() - f.tailStart(),
                "the unsynced page [3648, 4096) lost, the next page [4096, 6208) written back");
    }

    /**
     * A page lost from the middle of the last append: the record across its start is torn (its first bytes
     * are there), and whole records follow on the next page, which was written back. Still a torn tail.
     */
    @Test
    void aPageLostFromTheMiddleOfTheLastAppendWithWholeRecordsAfterItIsATornTail() {
        // 14 records end at 3,648; the 30-record append runs to 11,328, over the pages [0, 4096), [4096, 8192)
        // and [8192, 12288). The record at 3,904 crosses into the lost page; those from 8,256 on are whole.
        Fixture f = fixture(14, 30, 1024, 256L << 20, false);
        assertThat(f.tailStart()).isEqualTo(3648);
        assertThat(f.tailEnd()).isEqualTo(11328);
        byte[] segment = f.image().file(f.segment());
        Arrays.fill(segment, 4096, 8192, (byte) 0);
        assertRecoversTo(f, f.image().with(f.segment(), segment), f.beforeTail(30), f.tailEnd() - f.tailStart(),
                "the unsynced page [4096, 8192) lost, [3648, 4096) and [8192, 11328) written back");
    }

    @Test
    void zerosAfterTheLastRecordAreCutAndEveryRecordIsKept() {
        Fixture f = fixture(10, 1, 1024, 256L << 20, false);
        byte[] segment = f.image().file(f.segment());
        for (int zeros : new int[] {1, 3, 4, 5, 101, 4096, 70_000}) {
            byte[] padded = Arrays.copyOf(segment, segment.length + zeros);
            assertRecoversTo(f, f.image().with(f.segment(), padded), f.events(), zeros,
                    zeros + " zero bytes after the last record (a preallocated or half-written page)");
        }
    }

    @Test
    void garbageWrittenFromARandomOffsetOfTheLastRecordIsCut() {
        long seed = Long.getLong("strata.seed", new Random().nextLong());
        System.out.println("garbageWrittenFromARandomOffsetOfTheLastRecordIsCut: seed " + seed + " (-Dstrata.seed=" + seed + ")");
        Random random = new Random(seed);
        Fixture f = fixture(10, 1, 1024, 256L << 20, false);
        byte[] segment = f.image().file(f.segment());
        for (int trial = 0; trial < 200; trial++) {
            int from = (int) (f.tailStart() + random.nextInt((int) (f.tailEnd() - f.tailStart())));
            byte[] garbage = new byte[1 + random.nextInt(trial % 10 == 0 ? 20_000 : 600)];
            random.nextBytes(garbage);
            byte[] damaged = Arrays.copyOf(segment, from + garbage.length);
            System.arraycopy(garbage, 0, damaged, from, garbage.length);
            StoreImage.delete(assertRecoversTo(f, f.image().with(f.segment(), damaged), f.beforeTail(1), damaged.length - f.tailStart(),
                    "seed " + seed + ", trial " + trial + ": " + garbage.length + " bytes of garbage from offset " + from));
        }
    }

    @Test
    void aNewestSegmentWhoseHeaderWasNeverWrittenIsRemoved() throws IOException {
        Fixture f = fixture(40, 1, 1024, 4096, false);
        List<String> segments = f.image().segments();
        assertThat(segments).as("a log of several segments").hasSizeGreaterThan(2);
        String next = String.format("log/%020d.log", f.events().size());
        byte[] realHeader = Arrays.copyOf(f.image().file(segments.get(segments.size() - 1)), 64);
        for (int headerBytes : new int[] {0, 1, 30, 63}) {
            byte[] torn = Arrays.copyOf(realHeader, headerBytes);
            Path dir = assertRecoversTo(f, f.image().with(next, torn), f.events(), 0,
                    "a newest segment file with " + headerBytes + " header bytes");
            assertThat(dir.resolve(next)).as("the headless segment file").satisfiesAnyOf(
                    p -> assertThat(p).doesNotExist(),
                    p -> assertThat(Files.size(p)).isGreaterThanOrEqualTo(64));
        }
    }

    // ---- corruption, not a torn tail ----

    @Test
    void damageBeforeGoodRecordsOfTheActiveSegmentIsReportedAndNothingIsCut() throws IOException {
        Fixture f = fixture(30, 1, 1024, 256L << 20, false);
        byte[] segment = f.image().file(f.segment());
        List<Long> offsets = recordOffsets(segment);
        // Inside each field: length, crc, position, revision, id, flags, stream, data, chain hash.
        int[] fieldBytes = {2, 5, 15, 23, 45, 56, 72, 150, RECORD_BYTES - 1};
        for (int position = 0; position < offsets.size() - 1; position++) {
            long offset = offsets.get(position);
            int within = fieldBytes[position % fieldBytes.length];
            byte[] damaged = segment.clone();
            damaged[(int) offset + within] ^= 0x10;
            assertReportedNotCut(f, f.image().with(f.segment(), damaged), f.segment(), position, offset,
                    "byte " + within + " of the record at position " + position + " (offset " + offset + ") changed");
        }
    }

    @Test
    void damageInASealedSegmentIsReportedAndNothingIsCut() throws IOException {
        Fixture f = fixture(60, 1, 1024, 4096, false);
        List<String> segments = f.image().segments();
        assertThat(segments).as("a log of several segments").hasSizeGreaterThan(3);
        long position = 0;
        for (int s = 0; s < segments.size() - 1; s++) {
            String name = segments.get(s);
            byte[] segment = f.image().file(name);
            List<Long> offsets = recordOffsets(segment);
            // The first, a middle and the last record of every sealed segment: the last one is the
            // end of a file, but not the tail of the log.
            for (int i : new int[] {0, offsets.size() / 2, offsets.size() - 1}) {
                byte[] damaged = segment.clone();
                damaged[(int) (offsets.get(i) + 150)] ^= 0x01;
                assertReportedNotCut(f, f.image().with(name, damaged), name, position + i, offsets.get(i),
                        "a data byte of record " + i + " of sealed segment " + name);
            }
            position += offsets.size();
        }
    }

    @Test
    void aCutInASealedSegmentIsReportedAndNothingIsCut() throws IOException {
        Fixture f = fixture(60, 1, 1024, 4096, false);
        String first = f.image().segments().get(0);
        byte[] segment = f.image().file(first);
        List<Long> offsets = recordOffsets(segment);
        long lastStart = offsets.get(offsets.size() - 1);
        assertReportedNotCut(f, f.image().with(first, Arrays.copyOf(segment, (int) lastStart + 100)), first,
                offsets.size() - 1, lastStart, "the first segment cut inside its last record");
    }

    @Test
    void damageBehindTheCheckpointIsNeverServed() throws IOException {
        // A clean close writes a checkpoint covering the whole log: opening does not rescan it, so the
        // damage may be found at open or on reading, but it must be found.
        Fixture f = fixture(30, 1, 16, 256L << 20, true);
        assertThat(f.image().names()).contains("checkpoint");
        byte[] segment = f.image().file(f.segment());
        long offset = recordOffsets(segment).get(5);
        byte[] damaged = segment.clone();
        damaged[(int) offset + 150] ^= 0x40;
        Path dir = f.image().with(f.segment(), damaged).writeTo(newFolder());
        Throwable thrown = catchThrowable(() -> {
            try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, f.memtableEntries()))) {
                StoreContents.readAll(store);
            }
        });
        assertThat(thrown).as("opening or reading a log with a damaged record at position 5")
                .isInstanceOf(CorruptedDataException.class)
                .hasMessageContaining("offset " + offset);
        assertThat(((CorruptedDataException) thrown).code().wireName()).isEqualTo("corrupted");
        assertVerifierNames(dir, f.segment(), 5, offset);
    }

    @Test
    void aDamagedOrMissingCheckpointOrIndexFileIsRebuiltFromTheLog() throws IOException {
        Fixture f = fixture(40, 1, 16, 256L << 20, true);
        byte[] checkpoint = f.image().file("checkpoint");
        checkpoint[20] ^= 1;
        assertOpensWithEverything(f, f.image().with("checkpoint", checkpoint), "a checkpoint failing its checksum");
        assertOpensWithEverything(f, f.image().without("checkpoint"), "no checkpoint");
        assertOpensWithEverything(f, f.image().without("index/"), "no index files");
        String indexFile = f.image().names().stream().filter(n -> n.startsWith("index/")).findFirst().orElseThrow();
        byte[] index = f.image().file(indexFile);
        index[index.length / 2] ^= 1;
        assertOpensWithEverything(f, f.image().with(indexFile, index), "index file " + indexFile + " damaged");
        assertOpensWithEverything(f, f.image().with(indexFile, Arrays.copyOf(index, 70)), "index file " + indexFile + " cut");
    }

    // ---- fixtures and checks ----

    /**
     * A store of {@code singles} one-event appends to three streams and then one append of
     * {@code lastAppendSize} events to a fourth, every record {@value #RECORD_BYTES} bytes; imaged
     * while open (a crash image) unless {@code cleanClose}.
     */
    private Fixture fixture(int singles, int lastAppendSize, int memtableEntries, long segmentBytes, boolean cleanClose) {
        Path source = newFolder();
        // No zeros written ahead: these images are about records cut or damaged at the end of the file.
        StoreConfig config = StoreConfig.builder(source).memtableEntries(memtableEntries).segmentBytes(segmentBytes)
                .preallocateBytes(0).build();
        StoreImage image;
        String segment;
        long tailStart;
        long tailEnd;
        List<RecordedEvent> events;
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config)) {
            for (int i = 0; i < singles; i++) {
                String stream = "torn-" + i % 3;
                store.append(stream, ExpectedRevision.ANY, List.of(event(stream, "Early", i, true)));
            }
            String before = lastSegment(source);
            long sizeBefore = Files.size(source.resolve(before));
            List<EventData> last = new ArrayList<>();
            for (int i = 0; i < lastAppendSize; i++) {
                last.add(event("torn-tail", "Tail", i, i == lastAppendSize - 1));
            }
            store.append("torn-tail", ExpectedRevision.ANY, last);
            segment = lastSegment(source);
            tailStart = segment.equals(before) ? sizeBefore : 64;
            tailEnd = Files.size(source.resolve(segment));
            events = StoreContents.readAll(store);
            image = cleanClose ? null : StoreImage.capture(source);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (cleanClose) {
            image = StoreImage.capture(source);
        }
        assertThat(events).hasSize(singles + lastAppendSize);
        return new Fixture(image, segment, tailStart, tailEnd, events, memtableEntries);
    }

    /** An event whose record takes exactly {@value #RECORD_BYTES} bytes, as its append's last record or not. */
    private static EventData event(String stream, String type, int i, boolean lastOfAppend) {
        int fixed = lastOfAppend ? FIXED_LAST_RECORD_BYTES : FIXED_INNER_RECORD_BYTES;
        byte[] data = new byte[RECORD_BYTES - fixed - stream.length() - type.length()];
        new Random(i * 31L + stream.hashCode()).nextBytes(data);
        return EventData.builder(type).data(data).build();
    }

    private static String lastSegment(Path store) throws IOException {
        try (var files = Files.list(store.resolve("log"))) {
            return "log/" + files.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    /** Start offsets of the records of a segment file. */
    private static List<Long> recordOffsets(byte[] segment) {
        List<Long> offsets = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(segment);
        long at = 64;
        while (at + 4 <= segment.length) {
            offsets.add(at);
            at += 4 + buf.getInt((int) at);
        }
        return offsets;
    }

    private Path newFolder() {
        return temp.resolve("store-" + folders.getAndIncrement());
    }

    private static StoreConfig config(Path dir, int memtableEntries) {
        return StoreConfig.builder(dir).memtableEntries(memtableEntries).fileIO(NoSyncFileIO.INSTANCE).build();
    }

    /**
     * Opens the image: it must hold exactly {@code expected}, report {@code cut} bytes cut, be
     * consistent, take an append and read it back, and verify as intact afterwards.
     */
    private Path assertRecoversTo(Fixture f, StoreImage image, List<RecordedEvent> expected, long cut, String what) {
        Path dir = image.writeTo(newFolder());
        try {
            try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, f.memtableEntries()))) {
                List<RecordedEvent> log = StoreContents.readAll(store);
                assertThat(log).as("events after reopening (%s)", what).isEqualTo(expected);
                assertThat(store.truncatedBytes()).as("bytes cut (%s)", what).isEqualTo(cut);
                StoreContents.checkConsistent(store, log);
                EventData next = event("after-recovery", "Resumed", (int) cut, true);
                AppendResult r = store.append("after-recovery", ExpectedRevision.NO_STREAM, List.of(next));
                assertThat(r.firstPosition().value()).as("position of the first append after recovery (%s)", what)
                        .isEqualTo(expected.size());
                List<RecordedEvent> back = store.readAll(ReadAllOptions.forwards().from(r.firstPosition()).limit(10)).events();
                assertThat(back).as("the append after recovery read back (%s)", what).hasSize(1);
                assertThat(back.get(0).data()).isEqualTo(next.data());
            }
            VerifyReport report = LogVerifier.verify(dir, n -> { });
            assertThat(report.firstProblem()).as("LogVerifier after recovery (%s)", what).isEmpty();
            assertThat(report.records()).as("records verified (%s)", what).isEqualTo(expected.size() + 1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(what, e);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("recovery from " + what + " failed: " + e, e);
        }
        return dir;
    }

    private void assertOpensWithEverything(Fixture f, StoreImage image, String what) {
        assertRecoversTo(f, image, f.events(), 0, what);
    }

    /**
     * Opening must fail with {@link CorruptedDataException} naming the segment, the record's position
     * and offset; no file may change; {@link LogVerifier} must name the same record.
     */
    private void assertReportedNotCut(Fixture f, StoreImage image, String segment, long position, long offset, String what)
            throws IOException {
        Path dir = image.writeTo(newFolder());
        Throwable thrown = catchThrowable(() -> EmbeddedEventStore.open(config(dir, f.memtableEntries())).close());
        assertThat(thrown).as("opening a log where %s", what).isInstanceOf(CorruptedDataException.class);
        assertThat(thrown.getMessage()).as("the error for %s", what)
                .contains("position " + position)
                .contains("offset " + offset)
                .contains(Path.of(segment).getFileName().toString());
        for (String name : image.segments()) {
            assertThat(Files.readAllBytes(dir.resolve(name))).as("segment %s after the failed open (%s): nothing cut", name, what)
                    .isEqualTo(image.file(name));
        }
        assertVerifierNames(dir, segment, position, offset);
    }

    private static void assertVerifierNames(Path dir, String segment, long position, long offset) throws IOException {
        VerifyReport report = LogVerifier.verify(dir, n -> { });
        assertThat(report.intact()).as("LogVerifier on a damaged log").isFalse();
        assertThat(report.firstProblem().orElseThrow()).as("LogVerifier's first problem")
                .contains("position " + position)
                .contains("offset " + offset)
                .contains(Path.of(segment).getFileName().toString());
    }
}
