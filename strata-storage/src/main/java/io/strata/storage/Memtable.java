package io.strata.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The in-memory part of an index: entries appended by the writer, looked up by key, and written out
 * sorted as an {@link IndexFile} when full. Entries live in parallel primitive arrays (32 bytes an
 * entry plus 12 for the hash table), never as objects, so a million entries cost about 45 MB.
 *
 * <p>Thread rule: one writer calls {@link #add} and {@link #publish}; any number of readers see the
 * entries published so far. A reader reads the published count (volatile) first; bucket heads are
 * written with release and read with acquire, so following a chain never sees a half-linked entry,
 * and entries at or past the published count are skipped.
 */
final class Memtable {
    private static final VarHandle BUCKETS = MethodHandles.arrayElementVarHandle(int[].class);

    /** When {@link #isFull()} turns true; the arrays hold {@code capacity + headroom} entries. */
    private final int capacity;
    private final long[] keys;
    private final long[] seqs;
    private final long[] positions;
    private final long[] addresses;
    /** For entry i, 1 + the previous entry in the same bucket, or 0. */
    private final int[] previous;
    /** For each bucket, 1 + the newest entry in it, or 0. */
    private final int[] buckets;
    private final int mask;
    private int size;
    private volatile int published;

    /**
     * @param capacity when the memtable counts as full and should be written out
     * @param headroom entries it takes beyond that: the writer only starts an append while the
     *                 memtable is not full, so one append (at most this many events) always fits
     */
    Memtable(int capacity, int headroom) {
        this.capacity = capacity;
        int slots = capacity + headroom;
        keys = new long[slots];
        seqs = new long[slots];
        positions = new long[slots];
        addresses = new long[slots];
        previous = new int[slots];
        int tableSize = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 1;
        buckets = new int[tableSize];
        mask = tableSize - 1;
    }

    boolean isFull() {
        return size >= capacity;
    }

    int size() {
        return size;
    }

    int published() {
        return published;
    }

    /** Adds an entry, invisible to readers until {@link #publish}. Writer only. */
    void add(long key, long seq, long position, long address) {
        int i = size;
        keys[i] = key;
        seqs[i] = seq;
        positions[i] = position;
        addresses[i] = address;
        int bucket = (int) key & mask;
        previous[i] = (int) BUCKETS.getAcquire(buckets, bucket);
        size = i + 1;
        BUCKETS.setRelease(buckets, bucket, i + 1);
    }

    /** Makes every entry added so far visible to readers. Writer only. */
    void publish() {
        published = size;
    }

    /**
     * Visits the published entries with {@code key}, newest first. Entries of one key arrive in
     * ascending seq order, so this is descending seq order, except between streams that share a key.
     */
    void forKeyNewestFirst(long key, IndexEntries visitor) {
        int limit = published;
        int i = (int) BUCKETS.getAcquire(buckets, (int) key & mask) - 1;
        while (i >= 0) {
            if (i < limit && keys[i] == key && !visitor.accept(key, seqs[i], positions[i], addresses[i])) {
                return;
            }
            i = previous[i] - 1;
        }
    }

    /** Entry indexes in (key, seq) order, for writing an index file. Call only once the table is frozen. */
    int[] sortedOrder() {
        int n = published;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Radix sort by key (stable, 4 passes of 16 bits): a comparator sort over boxed indexes took
        // ~300 ms for a million entries, all of it stalling the writer; 8-bit passes showed in the
        // W3 profile too, and 16-bit ones halve the passes over the array.
        int[] scratch = new int[n];
        int[] count = new int[(1 << 16) + 1];
        for (int shift = 0; shift < 64; shift += 16) {
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(int) (flipSign(keys[order[i]]) >>> shift & 0xffff) + 1]++;
            }
            for (int b = 0; b < 1 << 16; b++) {
                count[b + 1] += count[b];
            }
            for (int i = 0; i < n; i++) {
                int e = order[i];
                scratch[count[(int) (flipSign(keys[e]) >>> shift & 0xffff)]++] = e;
            }
            int[] t = order;
            order = scratch;
            scratch = t;
        }
        // Within one key, seqs are ascending except where two streams share the key: fix those runs.
        for (int i = 1; i < n; i++) {
            int e = order[i];
            int j = i - 1;
            while (j >= 0 && keys[order[j]] == keys[e] && seqs[order[j]] > seqs[e]) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = e;
        }
        return order;
    }

    long key(int i) {
        return keys[i];
    }

    long seq(int i) {
        return seqs[i];
    }

    long position(int i) {
        return positions[i];
    }

    long address(int i) {
        return addresses[i];
    }

    /** Keys are compared as signed longs in files; flipping the sign bit makes the radix order match. */
    private static long flipSign(long key) {
        return key ^ Long.MIN_VALUE;
    }
}
