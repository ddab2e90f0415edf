package io.strata.storage;

import io.strata.core.CorruptedDataException;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * An immutable, sorted index file: what a full {@link Memtable} becomes. Memory-mapped, so its size
 * counts against the page cache, not the Java heap.
 *
 * <pre>
 *  0          8         12        16            24            32         36               60       64
 *  +----------+---------+---------+-------------+-------------+----------+----------------+--------+
 *  | STRATIDX | version | hdr len | entry count | bloom bytes | bloom k  | reserved       | crc32c |
 *  +----------+---------+---------+-------------+-------------+----------+----------------+--------+
 *  64
 *  +------------------------------------------+ entries sorted by (key, seq), signed compare
 *  | key 8 | seq 8 | position 8 | address 8   | x entry count
 *  +------------------------------------------+
 *  | bloom filter, blocked: 64-byte blocks,   | lets a lookup skip files that lack a key (~1% false hits)
 *  | ≥ 10 bits per entry, 2^n bytes           |
 *  +------------------------------------------+
 *  | crc32c of entries and bloom (4)          |
 *  +------------------------------------------+
 * </pre>
 *
 * <p>This class is thread-safe: it is never written after {@link #write} returns.
 */
final class IndexFile {
    static final String SUFFIX = ".idx";
    private static final byte[] MAGIC = "STRATIDX".getBytes(StandardCharsets.US_ASCII);
    /** Version 3: blocked bloom filter (all of a key's bits in one 64-byte block), a power of two long. */
    private static final int VERSION = 3;
    private static final int HEADER_BYTES = 64;
    private static final int ENTRY_BYTES = 32;
    private static final int BLOOM_BITS_PER_ENTRY = 10;
    private static final int BLOOM_HASHES = 7;
    private static final int BLOOM_BLOCK_BYTES = 64;
    /** Entries written per call: 8,192 of them, well under G1's humongous size for any heap. */
    private static final int WRITE_CHUNK_BYTES = 256 << 10;

    private final Path path;
    private final ByteBuffer entries;
    private final ByteBuffer bloom;
    private final int count;

    private IndexFile(Path path, ByteBuffer entries, ByteBuffer bloom, int count) {
        this.path = path;
        this.entries = entries;
        this.bloom = bloom;
        this.count = count;
    }

    Path path() {
        return path;
    }

    int count() {
        return count;
    }

    /**
     * Writes the published entries of {@code memtable} durably to {@code path}, then opens it.
     *
     * <p>Design note: the entries go out a {@value #WRITE_CHUNK_BYTES}-byte chunk at a time. Built whole,
     * a million entries made a 32 MB buffer at every checkpoint, which G1 allocates as a humongous
     * object: in one W3 run, 11 checkpoints, 351 MB of such buffers, collections caused by "G1
     * Humongous Allocation" and pauses of up to 31 ms.
     */
    static IndexFile write(FileIO io, Path path, Memtable memtable) throws IOException {
        int[] order = memtable.sortedOrder();
        int n = order.length;
        // A power of two, so a block index is a mask rather than a division (the division showed in
        // the writer's profile while it wrote index files).
        int bloomBytes = Math.max(BLOOM_BLOCK_BYTES, Integer.highestOneBit(Math.max(1, n * BLOOM_BITS_PER_ENTRY / 8 - 1)) << 1);
        byte[] bloomArray = new byte[bloomBytes];
        CRC32C bodyCrc = new CRC32C();

        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.put(MAGIC).putInt(VERSION).putInt(HEADER_BYTES).putLong(n).putLong(bloomBytes).putInt(BLOOM_HASHES);
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(header.array(), 0, HEADER_BYTES - 4);
        header.putInt(HEADER_BYTES - 4, (int) headerCrc.getValue());
        header.clear();

        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        try (StorageFile file = io.open(temporary, true)) {
            file.truncate(0);
            file.write(header, 0);
            long at = HEADER_BYTES;
            ByteBuffer chunk = ByteBuffer.allocate(WRITE_CHUNK_BYTES);
            for (int e : order) {
                if (!chunk.hasRemaining()) {
                    at += writeChunk(file, chunk, at, bodyCrc);
                }
                long key = memtable.key(e);
                chunk.putLong(key).putLong(memtable.seq(e)).putLong(memtable.position(e)).putLong(memtable.address(e));
                int block = bloomBlock(key, bloomBytes);
                long h = Keys.mix(key);
                for (int k = 0; k < BLOOM_HASHES; k++) {
                    int bit = bloomBit(h, k);
                    bloomArray[block + (bit >>> 3)] |= (byte) (1 << (bit & 7));
                }
            }
            at += writeChunk(file, chunk, at, bodyCrc);
            bodyCrc.update(bloomArray);
            file.write(ByteBuffer.wrap(bloomArray), at);
            file.write(ByteBuffer.allocate(4).putInt(0, (int) bodyCrc.getValue()), at + bloomBytes);
            file.force();
        }
        io.rename(temporary, path);
        io.syncDirectory(path.getParent());
        return open(io, path);
    }

    /** Writes the chunk's entries at {@code at}, adds them to the body's checksum, empties it; returns the bytes written. */
    private static int writeChunk(StorageFile file, ByteBuffer chunk, long at, CRC32C bodyCrc) throws IOException {
        chunk.flip();
        int bytes = chunk.remaining();
        bodyCrc.update(chunk.array(), 0, bytes);
        file.write(chunk, at);
        chunk.clear();
        return bytes;
    }

    /** Opens and checks an index file; a {@link CorruptedDataException} if it fails its checksums. */
    static IndexFile open(FileIO io, Path path) throws IOException {
        try (StorageFile file = io.openReadOnly(path)) {
            long size = file.size();
            if (size < HEADER_BYTES + 4) {
                throw new CorruptedDataException("index file " + path + " is truncated (" + size + " bytes)");
            }
            ByteBuffer mapped = file.mapReadOnly(0, size);
            CRC32C headerCrc = new CRC32C();
            headerCrc.update(mapped.slice(0, HEADER_BYTES - 4));
            if (!mapped.slice(0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))
                    || (int) headerCrc.getValue() != mapped.getInt(HEADER_BYTES - 4)) {
                throw new CorruptedDataException("index file " + path + " has a damaged header");
            }
            if (mapped.getInt(8) != VERSION) {
                throw new CorruptedDataException("index file " + path + " has format version " + mapped.getInt(8)
                        + "; this Strata writes version " + VERSION + " (the index is rebuilt from the log)");
            }
            long count = mapped.getLong(16);
            long bloomBytes = mapped.getLong(24);
            long expected = HEADER_BYTES + count * ENTRY_BYTES + bloomBytes + 4;
            if (expected != size) {
                throw new CorruptedDataException("index file " + path + " is " + size + " bytes, its header says " + expected);
            }
            int bodyBytes = (int) (count * ENTRY_BYTES + bloomBytes);
            CRC32C bodyCrc = new CRC32C();
            bodyCrc.update(mapped.slice(HEADER_BYTES, bodyBytes));
            if ((int) bodyCrc.getValue() != mapped.getInt(HEADER_BYTES + bodyBytes)) {
                throw new CorruptedDataException("index file " + path + " fails its checksum");
            }
            return new IndexFile(path, mapped.slice(HEADER_BYTES, (int) (count * ENTRY_BYTES)),
                    mapped.slice(HEADER_BYTES + (int) (count * ENTRY_BYTES), (int) bloomBytes), (int) count);
        }
    }

    boolean mightContain(long key) {
        int block = bloomBlock(key, bloom.capacity());
        long h = Keys.mix(key);
        for (int k = 0; k < BLOOM_HASHES; k++) {
            int bit = bloomBit(h, k);
            if ((bloom.get(block + (bit >>> 3)) & (1 << (bit & 7))) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The byte offset of the 64-byte block holding a key's bits: one cache miss per key where seven
     * scattered bits cost seven (the bloom build was a visible part of each index flush in W3).
     */
    private static int bloomBlock(long key, int bloomBytes) {
        return (int) (key & (bloomBytes / BLOOM_BLOCK_BYTES - 1)) * BLOOM_BLOCK_BYTES;
    }

    /** The k-th of a key's bits inside its block: 9 bits of the mixed key each. */
    private static int bloomBit(long mixedKey, int k) {
        return (int) (mixedKey >>> (k * 9)) & (BLOOM_BLOCK_BYTES * 8 - 1);
    }

    /** Visits entries with {@code key} and seq ≥ {@code fromSeq}, ascending. */
    void forKeyAscending(long key, long fromSeq, IndexEntries visitor) {
        if (!mightContain(key)) {
            return;
        }
        for (int i = lowerBound(key, fromSeq); i < count && keyAt(i) == key; i++) {
            if (!visitor.accept(key, seqAt(i), positionAt(i), addressAt(i))) {
                return;
            }
        }
    }

    /** Visits entries with {@code key} and seq ≤ {@code fromSeq}, descending. */
    void forKeyDescending(long key, long fromSeq, IndexEntries visitor) {
        if (!mightContain(key)) {
            return;
        }
        int start = fromSeq == Long.MAX_VALUE ? lowerBound(key + 1, Long.MIN_VALUE) : lowerBound(key, fromSeq + 1);
        if (key == Long.MAX_VALUE && fromSeq == Long.MAX_VALUE) {
            start = count;
        }
        for (int i = start - 1; i >= 0 && keyAt(i) == key; i--) {
            if (!visitor.accept(key, seqAt(i), positionAt(i), addressAt(i))) {
                return;
            }
        }
    }

    /** The first entry index at or after (key, seq). */
    private int lowerBound(long key, long seq) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long k = keyAt(mid);
            if (k < key || (k == key && seqAt(mid) < seq)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private long keyAt(int i) {
        return entries.getLong(i * ENTRY_BYTES);
    }

    private long seqAt(int i) {
        return entries.getLong(i * ENTRY_BYTES + 8);
    }

    private long positionAt(int i) {
        return entries.getLong(i * ENTRY_BYTES + 16);
    }

    private long addressAt(int i) {
        return entries.getLong(i * ENTRY_BYTES + 24);
    }
}
