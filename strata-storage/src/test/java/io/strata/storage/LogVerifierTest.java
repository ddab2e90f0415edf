package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogVerifierTest {
    @TempDir
    Path directory;

    @Test
    void verifyRefusesAStoreThatIsOpenAndPassesOnceItIsClosed() throws Exception {
        EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(directory).build());
        store.append("order-1", ExpectedRevision.NO_STREAM,
                List.of(EventData.json("Placed", "{}".getBytes(StandardCharsets.UTF_8))));

        assertThatThrownBy(() -> LogVerifier.verify(directory, n -> { }))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("is open");

        store.close();
        VerifyReport report = LogVerifier.verify(directory, n -> { });
        assertThat(report.intact()).isTrue();
        assertThat(report.records()).isEqualTo(1);
    }

    // Tampering that keeps each record's CRC right, as someone who meant it would: only the chain can tell.

    @Test
    void anEventChangedInsideAnAppendIsNamedByItsBodyDigest() throws Exception {
        writeOneAppendOfFive();
        tamper(2, record -> flipFirstDataByte(record));

        assertThat(problem()).contains("position 2").contains("body digest mismatch");
    }

    @Test
    void anAppendsLastEventChangedBreaksTheAppendsLinkAtIt() throws Exception {
        writeOneAppendOfFive();
        tamper(4, record -> flipFirstDataByte(record));

        assertThat(problem()).contains("position 4").contains("hash chain broken at the end of the append of positions 0–4");
    }

    @Test
    void anEventChangedTogetherWithItsStoredDigestStillBreaksTheAppendsLink() throws Exception {
        writeOneAppendOfFive();
        tamper(1, record -> {
            flipFirstDataByte(record);
            // the stored digest prefix made to match
            record.put(record.limit() - RecordFormat.DIGEST_PREFIX_BYTES, bodyDigestOf(record), 0, RecordFormat.DIGEST_PREFIX_BYTES);
        });

        assertThat(problem()).contains("position 4").contains("hash chain broken");
    }

    @Test
    void aRecordedTimeChangedInsideAnAppendBreaksTheAppendsLink() throws Exception {
        writeOneAppendOfFive();
        tamper(3, record -> record.putLong(RecordFormat.OFF_RECORDED, record.getLong(RecordFormat.OFF_RECORDED) - 1));

        assertThat(problem()).contains("position 4").contains("hash chain broken");
    }

    @Test
    void anEventChangedInAOneEventAppendIsNamedAndTheLogUpToItCounted() throws Exception {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(directory).build())) {
            for (int i = 0; i < 3; i++) {
                store.append("order-" + i, ExpectedRevision.NO_STREAM, List.of(event(i)));
            }
        }
        tamper(1, record -> flipFirstDataByte(record));

        VerifyReport report = LogVerifier.verify(directory, n -> { });
        assertThat(report.records()).as("records before the changed one").isEqualTo(1);
        assertThat(report.firstProblem()).get(STRING).contains("position 1").contains("hash chain broken at the end of the append of positions 1–1");
    }

    @Test
    void anIntactLogOfManyAppendsOfEverySizePasses() throws Exception {
        long events = 0;
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(directory).build())) {
            for (int size = 1; size <= 20; size++) {
                List<EventData> batch = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    batch.add(event(i));
                }
                store.append("stream-" + size, ExpectedRevision.NO_STREAM, batch);
                events += size;
            }
        }
        VerifyReport report = LogVerifier.verify(directory, n -> { });
        assertThat(report.firstProblem()).isEmpty();
        assertThat(report.records()).isEqualTo(events);
        try (EmbeddedEventStore reopened = EmbeddedEventStore.open(StoreConfig.builder(directory).build())) {
            assertThat(reopened.readAll(io.strata.core.ReadAllOptions.forwards().limit(1_000)).events()).hasSize((int) events);
        }
    }

    private void writeOneAppendOfFive() {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(directory).build())) {
            List<EventData> five = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                five.add(event(i));
            }
            store.append("order-1", ExpectedRevision.NO_STREAM, five);
        }
    }

    private static EventData event(int n) {
        return EventData.json("Placed", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    private String problem() throws IOException {
        VerifyReport report = LogVerifier.verify(directory, n -> { });
        assertThat(report.intact()).as("the change is found").isFalse();
        return report.firstProblem().orElseThrow();
    }

    /** Changes the record at {@code position} in place (a view of exactly its bytes), then sets its CRC right again. */
    private void tamper(long position, Consumer<ByteBuffer> change) throws IOException {
        Path segment;
        try (Stream<Path> files = Files.list(directory.resolve(EmbeddedEventStore.LOG_DIRECTORY))) {
            segment = files.filter(f -> f.toString().endsWith(Segment.SUFFIX)).findFirst().orElseThrow();
        }
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(segment));
        int at = Segment.HEADER_BYTES;
        while (RecordFormat.position(file, at) != position) {
            at += 4 + file.getInt(at);
        }
        ByteBuffer record = file.slice(at, 4 + file.getInt(at));
        change.accept(record);
        CRC32C crc = new CRC32C();
        crc.update(record.slice(RecordFormat.PREFIX_BYTES, record.limit() - RecordFormat.PREFIX_BYTES));
        record.putInt(4, (int) crc.getValue());
        Files.write(segment, file.array());
    }

    private static void flipFirstDataByte(ByteBuffer record) {
        int validTimeBytes = (RecordFormat.flags(record, 0) & RecordFormat.HAS_VALID_TIME) != 0 ? RecordFormat.VALID_TIME_BYTES : 0;
        int dataStart = RecordFormat.bodyEnd(record, 0) - validTimeBytes - record.getInt(RecordFormat.OFF_DATA_LENGTH);
        record.put(dataStart, (byte) (record.get(dataStart) ^ 1));
    }

    private static byte[] bodyDigestOf(ByteBuffer record) {
        return new ChainHasher().bodyDigestOf(record, 0);
    }
}
