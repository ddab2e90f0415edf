package io.strata.storage;

import java.util.Arrays;

/**
 * The writer's cache of stream heads (last revision per stream), so the expected-revision check of a
 * recently written stream needs no index lookup. Bounded: streams not cached are found in the index.
 *
 * <p>Open addressing by the stream's 64-bit key, in one flat table, a short probe from the key's home
 * slot. The table doubles when half full or when a probe's {@value #PROBE} slots are all taken; at its
 * largest, a new stream whose probe is full replaces one of those entries in turn.
 *
 * <pre>
 *   slot s:  keysAndHeads[2s] = stream key   keysAndHeads[2s+1] = last revision   streams[s] = name (null: empty)
 * </pre>
 *
 * <p>Design note: this was a {@code LinkedHashMap} in access order (exact LRU). In W2 (64 writers over
 * 100,000 streams, random order) its {@code get} was a quarter of the writer thread's CPU samples:
 * every hit reads the bucket, the node, the boxed value, and relinks the node's neighbours in the
 * access list, each a cache miss at that size. Here a hit reads one line of {@code keysAndHeads} and
 * one name (by identity when the caller reuses its String, as the benchmark driver does; by content
 * otherwise, as for names a server parsed). Slots are never emptied except by {@link #clear}, so an
 * empty slot ends a probe.
 *
 * <p>This class is not thread-safe: only the writer uses it.
 */
final class StreamHeads {
    /** What {@link #get} returns for a stream that is not cached. */
    static final long ABSENT = Long.MIN_VALUE;
    private static final int PROBE = 8;
    /** Slots of a new table; it doubles up to its maximum as streams come (a store with few streams stays small). */
    private static final int INITIAL_SLOTS = 1024;

    private final int maxSlots;
    private long[] keysAndHeads;
    private String[] streams;
    private int mask;
    /** Slots in use. */
    private int size;
    /** Which slot of a full probe the next new stream replaces, turn by turn. */
    private int victim;

    /**
     * Room for about {@code capacity} streams: the table doubles from 1,024 slots, as streams come, up to
     * the next power of two at or above 4/3 of it, so probes stay short until that many are cached (a few
     * full probes replace entries before that: 83 of 100,000 streams in StreamHeadsTest); past that, new
     * streams replace cached ones. Growing, not allocating all at once, keeps a store with few streams
     * small (the server's tests open many stores in one 1 GiB JVM).
     */
    StreamHeads(int capacity) {
        this.maxSlots = Integer.highestOneBit(Math.max(PROBE, capacity + capacity / 3) - 1) << 1;
        allocate(Math.min(INITIAL_SLOTS, maxSlots));
    }

    private void allocate(int slots) {
        keysAndHeads = new long[2 * slots];
        streams = new String[slots];
        mask = slots - 1;
        size = 0;
    }

    /** The cached last revision (-1 for a stream known to have none), or {@link #ABSENT}. */
    long get(long key, String stream) {
        for (int p = 0; p < PROBE; p++) {
            int slot = (int) (key + p) & mask;
            String cached = streams[slot];
            if (cached == null) {
                return ABSENT;
            }
            if (keysAndHeads[2 * slot] == key && (cached == stream || cached.equals(stream))) {
                return keysAndHeads[2 * slot + 1];
            }
        }
        return ABSENT;
    }

    void put(long key, String stream, long lastRevision) {
        if (size >= streams.length / 2 && streams.length < maxSlots) {
            grow();
        }
        for (int p = 0; p < PROBE; p++) {
            int slot = (int) (key + p) & mask;
            String cached = streams[slot];
            if (cached == null) {
                size++;
                set(slot, key, stream, lastRevision);
                return;
            }
            if (keysAndHeads[2 * slot] == key && (cached == stream || cached.equals(stream))) {
                set(slot, key, stream, lastRevision);
                return;
            }
        }
        if (streams.length < maxSlots) {
            grow();
            put(key, stream, lastRevision);
            return;
        }
        victim = (victim + 1) % PROBE;
        set((int) (key + victim) & mask, key, stream, lastRevision);
    }

    private void set(int slot, long key, String stream, long lastRevision) {
        keysAndHeads[2 * slot] = key;
        keysAndHeads[2 * slot + 1] = lastRevision;
        streams[slot] = stream;
    }

    /** Twice the slots, every entry put again. */
    private void grow() {
        long[] oldKeysAndHeads = keysAndHeads;
        String[] oldStreams = streams;
        allocate(oldStreams.length * 2);
        for (int slot = 0; slot < oldStreams.length; slot++) {
            if (oldStreams[slot] != null) {
                put(oldKeysAndHeads[2 * slot], oldStreams[slot], oldKeysAndHeads[2 * slot + 1]);
            }
        }
    }

    void clear() {
        Arrays.fill(streams, null);
        size = 0;
    }

    /** Slots in the table now (for tests). */
    int slots() {
        return streams.length;
    }
}
