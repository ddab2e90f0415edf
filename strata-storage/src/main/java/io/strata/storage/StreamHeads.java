package io.strata.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's cache of stream heads (last revision per stream), least recently used first out, so
 * the expected-revision check of a hot stream needs no index lookup. Bounded: with a million streams
 * only the most recent {@code capacity} are kept; the others are found in the index.
 *
 * <p>This class is not thread-safe: only the writer uses it.
 */
final class StreamHeads {
    private final LinkedHashMap<String, Long> heads;

    StreamHeads(int capacity) {
        this.heads = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cached last revision, -1 for a stream known to have none, or null when not cached. */
    Long get(String stream) {
        return heads.get(stream);
    }

    void put(String stream, long lastRevision) {
        heads.put(stream, lastRevision);
    }

    void clear() {
        heads.clear();
    }
}
