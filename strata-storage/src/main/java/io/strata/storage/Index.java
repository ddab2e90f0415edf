package io.strata.storage;

import io.strata.storage.io.FileIO;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A log-structured index from a 64-bit key to (seq, position, address) entries: a {@link Memtable}
 * plus immutable {@link IndexFile}s, newest last. Used twice: stream key → revision, and event-id key
 * → position (for idempotent appends).
 *
 * <p>Memory stays bounded as the log grows: the memtable holds at most its capacity; files are
 * memory-mapped and only their bloom filters (10 bits an entry) are touched on most lookups.
 *
 * <p>Writing a memtable out takes two steps, so that the writer need not wait for it (ADR 0007):
 * {@link #freeze} puts a full memtable aside and starts an empty one; {@link #writeFrozen} writes the
 * frozen one to an index file and puts the file in its place. Until then readers find its entries
 * in the frozen memtable.
 *
 * <pre>
 *   snapshot:  active memtable ──(freeze, writer)──► frozen memtable ──(writeFrozen, checkpointer)──► file
 *   a lookup:  active, then frozen, then files newest first
 * </pre>
 *
 * <p>Thread rule: one writer ({@link #add}, {@link #publish}, {@link #freeze}) and one thread at a time
 * writing the frozen memtable out ({@link #writeFrozen}); readers see the published entries through an
 * immutable {@link Snapshot} swapped atomically. The two swaps are synchronized with each other.
 */
final class Index {
    private final String name;
    private final int memtableCapacity;
    private final int memtableHeadroom;
    private volatile Snapshot snapshot;

    /** {@code frozen}: a memtable put aside and not yet written out, or null. */
    record Snapshot(Memtable memtable, Memtable frozen, List<IndexFile> files) {
    }

    Index(String name, int memtableCapacity, int memtableHeadroom, List<IndexFile> files) {
        this.name = name;
        this.memtableCapacity = memtableCapacity;
        this.memtableHeadroom = memtableHeadroom;
        this.snapshot = new Snapshot(new Memtable(memtableCapacity, memtableHeadroom), null, List.copyOf(files));
    }

    String name() {
        return name;
    }

    void add(long key, long seq, long position, long address) {
        snapshot.memtable().add(key, seq, position, address);
    }

    void publish() {
        snapshot.memtable().publish();
    }

    boolean needsFlush() {
        return snapshot.memtable().isFull();
    }

    int memtableCapacity() {
        return memtableCapacity;
    }

    int memtableSize() {
        return snapshot.memtable().size();
    }

    List<IndexFile> files() {
        return snapshot.files();
    }

    /**
     * Puts the memtable's entries aside, to be written out by {@link #writeFrozen}, and starts an empty
     * memtable. Writer only, and only while nothing is frozen. Returns false, changing nothing, when the
     * memtable holds no entry.
     */
    synchronized boolean freeze() {
        Snapshot current = snapshot;
        if (current.frozen() != null) {
            throw new IllegalStateException("index " + name + " still has a frozen memtable to write out");
        }
        current.memtable().publish();
        if (current.memtable().published() == 0) {
            return false;
        }
        snapshot = new Snapshot(new Memtable(memtableCapacity, memtableHeadroom), current.memtable(), current.files());
        return true;
    }

    /**
     * Writes the frozen memtable to a new index file named for {@code coveredPosition} (the first position
     * it does not cover), and puts the file in its place. Does nothing when nothing is frozen. On failure
     * the frozen memtable stays, still read, and a later call may try again.
     */
    void writeFrozen(FileIO io, Path directory, long coveredPosition) throws IOException {
        Memtable frozen = snapshot.frozen();
        if (frozen == null) {
            return;
        }
        IndexFile file = IndexFile.write(io, directory.resolve(fileName(name, coveredPosition)), frozen);
        synchronized (this) {
            Snapshot current = snapshot;
            List<IndexFile> files = new ArrayList<>(current.files());
            files.add(file);
            snapshot = new Snapshot(current.memtable(), null, List.copyOf(files));
        }
    }

    static String fileName(String indexName, long coveredPosition) {
        return String.format("%s-%020d%s", indexName, coveredPosition, IndexFile.SUFFIX);
    }

    /**
     * Entries of {@code key} with seq in [{@code fromSeq}, ∞) ascending, or (−∞, {@code fromSeq}]
     * descending, at most {@code max}, as {seq, position, address} triples in a flat array.
     */
    long[] entries(long key, long fromSeq, boolean ascending, int max) {
        Snapshot s = snapshot;
        EntryBuffer found = new EntryBuffer();
        List<IndexFile> files = s.files();
        for (int f = files.size() - 1; f >= 0; f--) {
            EntryBuffer fromFile = new EntryBuffer();
            IndexEntries collect = (k, seq, position, address) -> {
                fromFile.add(seq, position, address);
                return fromFile.size() < max;
            };
            if (ascending) {
                files.get(f).forKeyAscending(key, fromSeq, collect);
            } else {
                files.get(f).forKeyDescending(key, fromSeq, collect);
            }
            found.addAll(fromFile);
        }
        IndexEntries collect = (k, seq, position, address) -> {
            if (ascending ? seq >= fromSeq : seq <= fromSeq) {
                found.add(seq, position, address);
            }
            return true;
        };
        if (s.frozen() != null) {
            s.frozen().forKeyNewestFirst(key, collect);
        }
        s.memtable().forKeyNewestFirst(key, collect);
        return found.sortedBySeq(ascending, max);
    }

    /** Entries of {@code key} newest first across all sources, until the visitor says stop. */
    void newestFirst(long key, IndexEntries visitor) {
        Snapshot s = snapshot;
        boolean[] stopped = {false};
        IndexEntries watch = (k, seq, position, address) -> {
            boolean more = visitor.accept(k, seq, position, address);
            stopped[0] = !more;
            return more;
        };
        s.memtable().forKeyNewestFirst(key, watch);
        if (s.frozen() != null && !stopped[0]) {
            s.frozen().forKeyNewestFirst(key, watch);
        }
        List<IndexFile> files = s.files();
        for (int f = files.size() - 1; f >= 0 && !stopped[0]; f--) {
            files.get(f).forKeyDescending(key, Long.MAX_VALUE, watch);
        }
    }

    /** A growable array of {seq, position, address} triples. */
    private static final class EntryBuffer {
        private long[] data = new long[24];
        private int n;

        void add(long seq, long position, long address) {
            if (n + 3 > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[n++] = seq;
            data[n++] = position;
            data[n++] = address;
        }

        void addAll(EntryBuffer other) {
            for (int i = 0; i < other.n; i += 3) {
                add(other.data[i], other.data[i + 1], other.data[i + 2]);
            }
        }

        int size() {
            return n / 3;
        }

        long[] sortedBySeq(boolean ascending, int max) {
            int count = n / 3;
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            // Ties (two streams sharing a key) are broken by position, so results are deterministic.
            Arrays.sort(order, (a, b) -> {
                int c = Long.compare(data[a * 3], data[b * 3]);
                if (c == 0) {
                    c = Long.compare(data[a * 3 + 1], data[b * 3 + 1]);
                }
                return ascending ? c : -c;
            });
            int keep = Math.min(count, max);
            long[] out = new long[keep * 3];
            for (int i = 0; i < keep; i++) {
                System.arraycopy(data, order[i] * 3, out, i * 3, 3);
            }
            return out;
        }
    }
}
