package io.strata.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Walks the records of one segment from an offset, checking each one's framing, CRC, position
 * (one more than the previous), its place in an append, and the hash chain (each record's body digest,
 * each append's link at its last record), until the end or the first bad record. Shared by
 * recovery and {@code strata verify}, so both judge a record the same way.
 *
 * <p>This class is not thread-safe.
 */
final class RecordScanner {
    private static final int CHUNK_BYTES = 1 << 20;
    private static final int PAGE_BYTES = 4096;

    /** Receives each good record; the record is whole in {@code buf} from {@code offset}. */
    interface Visitor {
        void accept(ByteBuffer buf, int offset, long address);
    }

    /** Where and why a scan stopped early. */
    record Problem(Segment segment, long offset, long expectedPosition, String reason) {
        String describe() {
            return "record at position " + expectedPosition + " (segment " + segment.path().getFileName()
                    + ", offset " + offset + "): " + reason;
        }
    }

    private final ChainHasher hasher;
    private final int maxRecordBytes;
    private long nextPosition;
    /** The position of the first record of the append being scanned, or -1 between appends. */
    private long appendFirstPosition = -1;
    private ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);

    RecordScanner(long nextPosition, byte[] previousHash, int maxRecordBytes) {
        this.nextPosition = nextPosition;
        this.hasher = new ChainHasher();
        this.hasher.reset(previousHash);
        this.maxRecordBytes = maxRecordBytes;
    }

    long nextPosition() {
        return nextPosition;
    }

    /** The link of the last whole append scanned (or the one given to start from). */
    byte[] chainHash() {
        return hasher.current();
    }

    /** Scans {@code segment} from {@code offset} to its end; returns the first problem, or null. */
    Problem scan(Segment segment, long offset, Visitor visitor) throws IOException {
        long size = segment.size();
        long at = offset;
        while (at < size) {
            chunk.clear();
            int want = (int) Math.min(chunk.capacity(), size - at);
            chunk.limit(want);
            int read = segment.read(chunk, segment.baseAddress() + at);
            int inChunk = 0;
            while (inChunk < read) {
                if (read - inChunk < 4) {
                    if (at + inChunk + 4 > size) {
                        return new Problem(segment, at + inChunk, nextPosition, "torn: " + (size - at - inChunk) + " bytes left, too few for a record");
                    }
                    break; // refill from here
                }
                int length = chunk.getInt(inChunk);
                if (!RecordFormat.plausibleLength(length, maxRecordBytes)) {
                    return new Problem(segment, at + inChunk, nextPosition, "bad length field " + length);
                }
                if (at + inChunk + 4 + length > size) {
                    return new Problem(segment, at + inChunk, nextPosition, "torn: the record runs past the end of the file");
                }
                if (inChunk + 4 + length > read) {
                    if (inChunk == 0) {
                        chunk = ByteBuffer.allocate(4 + length); // one record larger than a chunk
                    }
                    break;
                }
                Problem problem = check(segment, at + inChunk, inChunk);
                if (problem != null) {
                    return problem;
                }
                visitor.accept(chunk, inChunk, segment.baseAddress() + at + inChunk);
                nextPosition++;
                inChunk += 4 + length;
            }
            at += inChunk;
        }
        return null;
    }

    private Problem check(Segment segment, long fileOffset, int inChunk) {
        if (!RecordFormat.crcMatches(chunk, inChunk)) {
            return new Problem(segment, fileOffset, nextPosition, "checksum mismatch (the record was changed or torn)");
        }
        long position = RecordFormat.position(chunk, inChunk);
        if (position != nextPosition) {
            return new Problem(segment, fileOffset, nextPosition, "found position " + position
                    + " where " + nextPosition + " belongs (a record was removed or reordered)");
        }
        byte flags = RecordFormat.flags(chunk, inChunk);
        boolean first = (flags & RecordFormat.BATCH_FIRST) != 0;
        if (first == appendFirstPosition >= 0) {
            String reason = first
                    ? "an append begins here before the one at position " + appendFirstPosition + " ended"
                    : "a record outside any append";
            abandonAppend();
            return new Problem(segment, fileOffset, nextPosition, reason + " (a record was removed or reordered)");
        }
        if (first) {
            appendFirstPosition = position;
        }
        byte[] bodyDigest = hasher.bodyDigestOf(chunk, inChunk);
        ByteBuffer stored = RecordFormat.trailer(chunk, inChunk);
        hasher.add(chunk, inChunk, bodyDigest);
        if ((flags & RecordFormat.BATCH_LAST) == 0) {
            if (!stored.equals(ByteBuffer.wrap(bodyDigest, 0, RecordFormat.DIGEST_PREFIX_BYTES))) {
                abandonAppend();
                return new Problem(segment, fileOffset, nextPosition, "body digest mismatch (this record's event was changed)");
            }
            return null;
        }
        byte[] before = hasher.current();
        hasher.finishAppend();
        long appendFirst = appendFirstPosition;
        appendFirstPosition = -1;
        if (!hasher.currentEquals(stored)) {
            hasher.reset(before);
            return new Problem(segment, fileOffset, nextPosition, "hash chain broken at the end of the append of positions "
                    + appendFirst + "–" + position + " (this record, a header in the append, or a record before it "
                    + "was changed, removed or reordered)");
        }
        return null;
    }

    /** Forgets the append being scanned: the chain stays at the link before it. */
    private void abandonAppend() {
        hasher.abandonAppend();
        appendFirstPosition = -1;
    }

    /**
     * Whether the damage at {@code offset} looks like pages the file system never wrote back: a 4 KiB page
     * that the damaged record reaches reads as zeros from where the record's bytes enter it (its start, or
     * the record's) to its end, or the file's. A page lost from the middle of an unsynced batch tears the
     * record across it while later pages may still hold whole records, never acknowledged (a power cut
     * that wrote back some pages of the tail and not others). Bit rot or a torn sector leaves other bytes.
     * The record's extent comes from its length field when that is plausible, else its first 4 bytes.
     */
    static boolean lostPageAt(Segment segment, long offset, int maxRecordBytes) throws IOException {
        long size = segment.size();
        ByteBuffer lengthField = ByteBuffer.allocate(4);
        segment.read(lengthField, segment.baseAddress() + offset);
        int length = lengthField.position() == 4 ? lengthField.getInt(0) : -1;
        long recordEnd = Math.min(size, offset + 4 + (RecordFormat.plausibleLength(length, maxRecordBytes) ? length : 0));
        ByteBuffer page = ByteBuffer.allocate(PAGE_BYTES);
        for (long pageStart = offset / PAGE_BYTES * PAGE_BYTES; pageStart < recordEnd; pageStart += PAGE_BYTES) {
            long from = Math.max(pageStart, offset);
            long to = Math.min(size, pageStart + PAGE_BYTES);
            if (to - from < 4) {
                continue; // too few bytes to tell; the record reaches the next page, which is looked at
            }
            page.clear().limit((int) (to - from));
            segment.read(page, segment.baseAddress() + from);
            if (page.position() == to - from && allZero(page)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allZero(ByteBuffer bytes) {
        for (int i = 0; i < bytes.position(); i++) {
            if (bytes.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether every byte from {@code offset} to the end of {@code segment} is zero (space written ahead, see Segment). */
    static boolean onlyZerosFrom(Segment segment, long offset) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        for (long at = offset; at < segment.size(); ) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), segment.size() - at));
            int n = segment.read(chunk, segment.baseAddress() + at);
            if (n <= 0) {
                return true;
            }
            for (int i = 0; i < n; i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
            at += n;
        }
        return true;
    }

    /**
     * Whether any whole, checksummed record with a position at or after {@code minPosition} starts
     * after {@code fromOffset} in {@code segment}: if so, the damage at {@code fromOffset} is not a
     * torn tail but corruption in the middle of the log.
     */
    static boolean anyValidRecordAfter(Segment segment, long fromOffset, long minPosition, int maxRecordBytes) throws IOException {
        long size = segment.size();
        ByteBuffer window = ByteBuffer.allocate(CHUNK_BYTES * 2);
        for (long start = fromOffset + 1; start + RecordFormat.MIN_RECORD_BYTES <= size; start += CHUNK_BYTES) {
            window.clear();
            window.limit((int) Math.min(window.capacity(), size - start));
            int read = segment.read(window, segment.baseAddress() + start);
            int candidates = Math.min(CHUNK_BYTES, read - 4);
            for (int i = 0; i < candidates; i++) {
                int length = window.getInt(i);
                if (!RecordFormat.plausibleLength(length, maxRecordBytes) || start + i + 4 + length > size) {
                    continue;
                }
                ByteBuffer record;
                int offset;
                if (i + 4 + length <= read) {
                    record = window;
                    offset = i;
                } else {
                    record = ByteBuffer.allocate(4 + length);
                    segment.read(record, segment.baseAddress() + start + i);
                    offset = 0;
                }
                if (RecordFormat.crcMatches(record, offset) && RecordFormat.position(record, offset) >= minPosition) {
                    return true;
                }
            }
        }
        return false;
    }
}
