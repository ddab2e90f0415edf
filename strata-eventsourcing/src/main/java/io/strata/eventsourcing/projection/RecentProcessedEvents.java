package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The last {@code capacity} event ids a handler processed, in this process's memory (least
 * recently seen forgotten first; ~100 bytes per id, so 100,000 ids take ~10 MB).
 *
 * <p>Guarantee: an event seen again within the last {@code capacity} ids, in the same process, is
 * skipped: this covers a retry within the process and an event appended twice under the same id.
 * It does not cover a restart (the memory is gone): for replays after a crash use
 * {@link JdbcProcessedEvents}. Thread-safe.
 */
public final class RecentProcessedEvents implements ProcessedEvents {
    private final Map<UUID, Boolean> ids;

    public RecentProcessedEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity is 1 or more, got " + capacity);
        }
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public synchronized boolean contains(UUID eventId) {
        return ids.get(eventId) != null; // get, not containsKey: it refreshes the entry's recency
    }

    @Override
    public synchronized void add(UUID eventId, Position position) {
        ids.put(eventId, Boolean.TRUE);
    }

    public synchronized int size() {
        return ids.size();
    }
}
