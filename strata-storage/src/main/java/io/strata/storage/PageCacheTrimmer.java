package io.strata.storage;

import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * Durability fsync and batched: lets the operating system drop the cached pages of sealed segments that
 * have fallen out of the newest {@link StoreConfig#cachedSegments()}, on a thread of its own (ADR 0009).
 *
 * <pre>
 *  segments:   000…1 · 000…2 · 000…3 │ 000…4 · 000…5 │ 000…6 (active) │ spare
 *              pages let go           │ cachedSegments = 2, cached    │
 *  writer, roll onto 000…6:  trim(000…3) ─► trimmer thread: posix_fadvise(DONTNEED) on 000…3
 * </pre>
 *
 * <p>Design note: a log written at speed fills the page cache with pages nobody reads again soon, and on
 * the VMs Strata is measured on, a page the guest has not used lately costs ~3 ms of CPU per MiB to take
 * (java bench/tools/NewPageCost.java), one it just gave back 0.3-0.5. Writing 4 GiB in 64 MiB files and
 * letting go of each file two behind took 0.36 ms of CPU per MiB, against 1.2-1.8 keeping them all. What
 * the writer and the spare segment take next are then the pages just let go. W3, six interleaved pairs
 * without and with it: 653-767 K → 842 K-1.04 M events/s; in durability batched 794 → 1,199 and 854 →
 * 1,240 K (docs/benchmarks.md, "Eighth session"). A read of a segment let go
 * comes from the disk (sequential reads ~1 GB/s here), and what it reads stays cached: a segment is let go
 * once, at the roll that makes it older than the cached ones.
 *
 * <p>A sealed segment is fsync'd at the roll, so all its pages can go; letting go takes ~12 ms per 256 MiB,
 * hence not on the writer. Advice only: where it cannot be given nothing changes but the page cache.
 *
 * <p>Thread rule: the writer calls {@link #trim} and {@link #close}.
 */
final class PageCacheTrimmer extends EngineThread {
    private static final Logger LOG = Logger.getLogger(PageCacheTrimmer.class.getName());

    /** Guarded by lock: sealed segments whose pages are to be let go, oldest first. */
    private final ArrayDeque<Segment> toTrim = new ArrayDeque<>();

    PageCacheTrimmer() {
        super("strata-page-cache-trimmer");
    }

    /** Lets go of {@code sealed}'s cached pages soon; never waits. */
    void trim(Segment sealed) {
        lock.lock();
        try {
            toTrim.add(sealed);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        while (true) {
            Segment next;
            lock.lock();
            try {
                while (toTrim.isEmpty() && !closing) {
                    changed.awaitUninterruptibly();
                }
                if (closing) {
                    return; // what is left stays cached: the store is closing
                }
                next = toTrim.poll();
            } finally {
                lock.unlock();
            }
            if (!next.dropCachedPages()) {
                LOG.fine(() -> "could not let go of the cached pages of " + next);
            }
        }
    }
}
