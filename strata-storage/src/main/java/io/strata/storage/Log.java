package io.strata.storage;

import io.strata.core.CorruptedDataException;
import io.strata.core.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The segments of the log, addressed by log-wide byte address, and the reads over them.
 *
 * <p>Thread rule: the writer replaces the segment list when it rolls; readers take the current array
 * and never block. Readers never look past the committed end they are given.
 */
final class Log {
    /** A read of one record starts with this many bytes, enough for most events in one pread. */
    private static final int FIRST_READ_BYTES = 1024;

    /** Whole chunks kept for the next cursors: enough for a few concurrent catch-up reads (2 MiB). */
    private static final int KEPT_CHUNKS = 8;

    private volatile Segment[] segments;
    private final int maxRecordBytes;
    private final ArrayBlockingQueue<ByteBuffer> keptChunks = new ArrayBlockingQueue<>(KEPT_CHUNKS);

    Log(List<Segment> segments, int maxRecordBytes) {
        this.segments = segments.toArray(Segment[]::new);
        this.maxRecordBytes = maxRecordBytes;
    }

    Segment[] segments() {
        return segments;
    }

    Segment active() {
        Segment[] s = segments;
        return s[s.length - 1];
    }

    void addSegment(Segment segment) {
        Segment[] s = segments;
        Segment[] grown = Arrays.copyOf(s, s.length + 1);
        grown[s.length] = segment;
        segments = grown;
    }

    /** Removes the newest segment (one created by a batch whose write failed) and deletes its file. */
    void removeLast(Segment segment, io.strata.storage.io.FileIO io) throws IOException {
        Segment[] s = segments;
        if (s[s.length - 1] != segment || s.length == 1) {
            throw new IllegalStateException("only the newest of several segments can be removed");
        }
        segments = Arrays.copyOf(s, s.length - 1);
        segment.close();
        io.delete(segment.path());
        io.syncDirectory(segment.path().getParent());
    }

    int maxRecordBytes() {
        return maxRecordBytes;
    }

    Segment segmentFor(long address) {
        Segment[] s = segments;
        int lo = 0;
        int hi = s.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (s[mid].baseAddress() <= address) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return s[lo];
    }

    /**
     * Reads the whole record at {@code address} into a buffer with the record at offset 0, checking
     * its CRC. {@code scratch} is reused when large enough.
     */
    ByteBuffer readRecord(long address, ByteBuffer scratch) {
        Segment segment = segmentFor(address);
        ByteBuffer buf = scratch != null && scratch.capacity() >= FIRST_READ_BYTES ? scratch.clear() : ByteBuffer.allocate(FIRST_READ_BYTES);
        try {
            buf.limit(FIRST_READ_BYTES);
            int read = segment.read(buf, address);
            int length = read >= 4 ? buf.getInt(0) : -1;
            if (!RecordFormat.plausibleLength(length, maxRecordBytes) || read < 4) {
                throw corrupted(segment, address, "no record (length field " + length + ")");
            }
            int total = 4 + length;
            if (total > read) {
                if (total > buf.capacity()) {
                    buf = ByteBuffer.allocate(total);
                }
                buf.clear().limit(total);
                if (segment.read(buf, address) < total) {
                    throw corrupted(segment, address, "record cut short");
                }
            }
            buf.limit(total);
            if (!RecordFormat.crcMatches(buf, 0)) {
                throw corrupted(segment, address, "checksum mismatch");
            }
            return buf;
        } catch (IOException e) {
            throw new StoreUnavailableException("reading " + segment.path() + ": " + e.getMessage(), e);
        }
    }

    static CorruptedDataException corrupted(Segment segment, long address, String what) {
        return new CorruptedDataException("corrupted record in " + segment.path().getFileName() + " at offset "
                + (address - segment.baseAddress()) + ": " + what);
    }

    /**
     * Opens a sequential reader starting at {@code address} that never reads at or past {@code endAddress}.
     * Close it when done (its chunk goes back for the next cursor), and keep nothing of its buffer after.
     */
    Cursor cursor(long address, long endAddress) {
        return new Cursor(address, endAddress);
    }

    /** Chunks waiting for the next cursor (tests). */
    int keptChunks() {
        return keptChunks.size();
    }

    /**
     * Reads records one after another in large chunks (256 KiB), checking each CRC. Not thread-safe.
     *
     * <p>Design note: the chunk is taken at the first read: a kept whole chunk if there is one, else a new
     * one no larger than what lies before the end address. A live subscriber opens a cursor for every new
     * commit to read one or a few records; a 256 KiB buffer each time was 1,000,000 allocations of 256 KiB
     * per second in W6 (100 subscribers, 10,000 commits/s). Closing gives a whole chunk back: in W4 over
     * gRPC (a page of ~1,000 events per cursor) new chunks were 17 % of all bytes allocated (JFR).
     */
    final class Cursor implements AutoCloseable {
        private static final int CHUNK_BYTES = 256 * 1024;
        private static final ByteBuffer NOT_READ_YET = ByteBuffer.allocate(0);
        private final long endAddress;
        private ByteBuffer chunk = NOT_READ_YET;
        private long chunkAddress;
        private int chunkLength;
        private long address;
        private int offset;

        private Cursor(long address, long endAddress) {
            this.address = address;
            this.endAddress = endAddress;
            this.chunkAddress = address;
            this.chunkLength = 0;
        }

        /** The address of the record {@link #next()} returns next. */
        long address() {
            return address;
        }

        /**
         * Moves to the next record and returns its offset in {@link #buffer()}, or -1 at the end.
         * The buffer holds the whole record from that offset.
         */
        int next() {
            if (address >= endAddress) {
                return -1;
            }
            Segment segment = segmentFor(address);
            if (address < segment.baseAddress() + Segment.HEADER_BYTES) {
                address = segment.baseAddress() + Segment.HEADER_BYTES;
                if (address >= endAddress) {
                    return -1;
                }
            }
            if (address >= segment.endAddress()) {
                return -1;
            }
            // Step over a sealed segment's end into the next one.
            int inChunk = (int) (address - chunkAddress);
            if (address < chunkAddress || inChunk + 4 > chunkLength || inChunk + 4 + chunk.getInt(inChunk) > chunkLength) {
                fill(segment);
                inChunk = 0;
            }
            int length = chunk.getInt(inChunk);
            if (!RecordFormat.plausibleLength(length, maxRecordBytes) || inChunk + 4 + length > chunkLength) {
                throw corrupted(segment, address, "bad length field " + length);
            }
            if (!RecordFormat.crcMatches(chunk, inChunk)) {
                throw corrupted(segment, address, "checksum mismatch");
            }
            offset = inChunk;
            address += 4 + length;
            if (address >= segment.endAddress()) {
                Segment[] all = segments;
                for (Segment s : all) {
                    if (s.baseAddress() > segment.baseAddress()) {
                        address = s.baseAddress() + Segment.HEADER_BYTES;
                        break;
                    }
                }
            }
            return offset;
        }

        ByteBuffer buffer() {
            return chunk;
        }

        /** Gives a whole chunk back for the next cursor; this cursor must not be used after. */
        @Override
        public void close() {
            if (chunk.capacity() == CHUNK_BYTES) {
                keptChunks.offer(chunk); // dropped when enough are kept
            }
            chunk = NOT_READ_YET;
            chunkLength = 0;
        }

        private void fill(Segment segment) {
            long until = Math.min(endAddress, segment.endAddress());
            int want = (int) Math.min(CHUNK_BYTES, until - address);
            if (want < 4) {
                throw corrupted(segment, address, "record cut short at the end of the readable log");
            }
            if (chunk.capacity() < want) {
                ByteBuffer kept = keptChunks.poll();
                chunk = kept != null ? kept : ByteBuffer.allocate(want);
            }
            chunk.clear().limit(want);
            try {
                int read = segment.read(chunk, address);
                int length = read >= 4 ? chunk.getInt(0) : -1;
                if (RecordFormat.plausibleLength(length, maxRecordBytes) && 4 + length > read) {
                    // One record larger than a chunk: read it whole.
                    int total = 4 + length;
                    if (address + total > until) {
                        throw corrupted(segment, address, "record runs past the readable log");
                    }
                    chunk = ByteBuffer.allocate(Math.max(total, CHUNK_BYTES));
                    chunk.limit(total);
                    read = segment.read(chunk, address);
                }
                chunkAddress = address;
                chunkLength = read;
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + segment.path(), e);
            }
        }
    }
}
