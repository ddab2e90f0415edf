package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.storage.io.FileIO;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A closed cursor's chunk serves the next cursor, which reads the log exactly as a fresh one would. */
class LogCursorTest {
    private static final int EVENTS = 2_000; // ~700 KB of records: a read takes several 256 KiB chunks

    @TempDir
    Path directory;

    @Test
    void aClosedCursorsChunkIsTakenByTheNextAndReadsTheSameRecords() throws Exception {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(directory).build())) {
            for (int i = 0; i < EVENTS / 100; i++) {
                List<EventData> batch = new ArrayList<>();
                for (int j = 0; j < 100; j++) {
                    batch.add(EventData.json("Counted", ("{\"n\":" + (i * 100 + j) + ",\"pad\":\"" + "x".repeat(300) + "\"}")
                            .getBytes(StandardCharsets.UTF_8)));
                }
                store.append("counter-" + i, ExpectedRevision.NO_STREAM, batch);
            }
        }
        List<Segment> segments = new ArrayList<>();
        for (Path path : FileIO.standard().list(directory.resolve(EmbeddedEventStore.LOG_DIRECTORY), Segment.SUFFIX)) {
            segments.add(Segment.open(FileIO.standard(), path, false));
        }
        try {
            Log log = new Log(segments, EmbeddedEventStore.MAX_RECORD_BYTES);
            Segment only = segments.getFirst();
            long start = only.baseAddress() + Segment.HEADER_BYTES;
            long end = only.endAddress();

            List<String> first = new ArrayList<>();
            ByteBuffer firstChunk;
            try (Log.Cursor cursor = log.cursor(start, end)) {
                firstChunk = readAll(cursor, first);
            }
            assertThat(first).hasSize(EVENTS);
            assertThat(log.keptChunks()).as("the whole chunk was given back").isEqualTo(1);

            List<String> second = new ArrayList<>();
            try (Log.Cursor cursor = log.cursor(start, end)) {
                assertThat(readAll(cursor, second)).as("the kept chunk is the one read into").isSameAs(firstChunk);
                assertThat(log.keptChunks()).isZero();
            }
            assertThat(second).as("a reused chunk reads what a new one did").isEqualTo(first);

            // A short read near the end also takes the kept chunk rather than a small new one.
            long lastRecord = addressOfPosition(log, start, end, EVENTS - 1);
            try (Log.Cursor cursor = log.cursor(lastRecord, end)) {
                List<String> tail = new ArrayList<>();
                assertThat(readAll(cursor, tail)).isSameAs(firstChunk);
                assertThat(tail).containsExactly(first.getLast());
            }
            assertThat(log.keptChunks()).isEqualTo(1);
        } finally {
            for (Segment segment : segments) {
                segment.close();
            }
        }
    }

    /** Reads every record to the end as position and data; returns the buffer the last one was read from. */
    private static ByteBuffer readAll(Log.Cursor cursor, List<String> out) {
        int offset;
        ByteBuffer last = null;
        while ((offset = cursor.next()) >= 0) {
            last = cursor.buffer();
            out.add(RecordFormat.position(last, offset) + ":" + new String(RecordFormat.decode(last, offset).data(), StandardCharsets.UTF_8));
        }
        return last;
    }

    private static long addressOfPosition(Log log, long start, long end, long position) {
        try (Log.Cursor cursor = log.cursor(start, end)) {
            while (true) {
                long address = cursor.address();
                int offset = cursor.next();
                if (RecordFormat.position(cursor.buffer(), offset) == position) {
                    return address;
                }
            }
        }
    }
}
