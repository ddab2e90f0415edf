package io.strata.server.groups;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Which consumers of a group are present. A consumer is known only by the name it fetches with; it
 * is present while a fetch of its is in progress and for {@code window} (the group's ack timeout)
 * after its last fetch returned. Absent consumers are forgotten. Not thread-safe.
 */
final class ConsumerPresence {
    /** Forget absent consumers when this many are remembered, so made-up names cannot grow the map. */
    private static final int PRUNE_AT = 10_000;

    private static final class Seen {
        int fetching;
        long lastNanos;
    }

    private final long windowNanos;
    private final HashMap<String, Seen> consumers = new HashMap<>();

    ConsumerPresence(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    void fetchStarted(String consumer, long now) {
        Seen seen = consumers.get(consumer);
        if (seen == null) {
            if (consumers.size() >= PRUNE_AT) {
                count(now);
            }
            seen = new Seen();
            consumers.put(consumer, seen);
        }
        seen.fetching++;
        seen.lastNanos = now;
    }

    void fetchEnded(String consumer, long now) {
        Seen seen = consumers.get(consumer);
        if (seen != null) {
            seen.fetching--;
            seen.lastNanos = now;
        }
    }

    /** Consumers present at {@code now}; forgets the others. */
    int count(long now) {
        int present = 0;
        for (Iterator<Map.Entry<String, Seen>> it = consumers.entrySet().iterator(); it.hasNext(); ) {
            Seen seen = it.next().getValue();
            if (seen.fetching > 0 || now - seen.lastNanos < windowNanos) {
                present++;
            } else {
                it.remove();
            }
        }
        return present;
    }
}
