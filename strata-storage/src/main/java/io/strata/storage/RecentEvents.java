package io.strata.storage;

import io.strata.core.RecordedEvent;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The events last decoded near the head of the log, by position, shared by every reader: live
 * subscribers all read the same new events, and the first to scan one decodes it for the others.
 *
 * <pre>
 *   slot = position mod CAPACITY          slots: [ Entry(event @ p, address after p) | null | … ]
 *   get(p)  ─► the slot's entry if it holds p, else null (never there yet, or overwritten by p + k·CAPACITY)
 *   put(e)  ─► overwrites the slot: a newer position wins, an older one is not put back
 * </pre>
 *
 * <p>Design note: with 100 subscribers on {@code $all} and 10,000 events/s (W6), each subscriber read
 * every new event from the log on its own: a {@code pread} and a decode per event per subscriber,
 * 1,000,000 of each per second. In a CPU-time profile of W6 on the embedded engine that was 311 of
 * 711 samples (44 %), most of it turning the same bytes into the same strings 100 times. Served from
 * here, a new event is decoded once.
 *
 * <p>Only committed events are put here (readers never scan past the committed head), and a position
 * is never reused once committed, so an entry is never stale. The events are shared: their
 * {@code data} and {@code metadata} arrays are the same objects for every reader (see
 * {@link RecordedEvent}).
 *
 * <p>Thread-safe without locks: each slot is one atomic reference.
 */
final class RecentEvents {
    /** About 4 MB of 256-byte events with their decoded fields: one second of W6, 15 ms of W3. */
    static final int CAPACITY = 8192;
    /** Larger events are read from the log each time: 8,192 of them would hold too much memory. */
    static final int MAX_EVENT_BYTES = 4096;
    private static final int MASK = CAPACITY - 1;

    /** A decoded event and the log address of the record after it, where a scan goes on. */
    record Entry(RecordedEvent event, long nextAddress) {
        long position() {
            return event.position().value();
        }
    }

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(CAPACITY);

    /** The entry of {@code position}, or null when it is not here. */
    Entry get(long position) {
        Entry entry = slots.get(slot(position));
        return entry != null && entry.position() == position ? entry : null;
    }

    /** Keeps {@code entry} unless its slot already holds a newer position. */
    void put(Entry entry) {
        int slot = slot(entry.position());
        Entry current = slots.get(slot);
        if (current == null || current.position() < entry.position()) {
            slots.compareAndSet(slot, current, entry); // losing the race to another reader is fine
        }
    }

    /**
     * Whether {@code event} is worth keeping: near enough to the committed head for other readers to come
     * for it soon (a catch-up read of old events would only push recent ones out), and small.
     */
    static boolean worthKeeping(RecordedEvent event, long committedNextPosition) {
        return committedNextPosition - event.position().value() <= CAPACITY
                && event.data().length + event.metadata().length <= MAX_EVENT_BYTES;
    }

    private static int slot(long position) {
        return (int) (position & MASK);
    }
}
