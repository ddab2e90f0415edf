package io.strata.storage.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.AllSlice;
import io.strata.core.EventStore;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a whole store and checks the invariants every store must keep, crash or no crash. */
public final class StoreContents {
    private StoreContents() {
    }

    /** Every event of the global log, in position order. */
    public static List<RecordedEvent> readAll(EventStore store) {
        List<RecordedEvent> all = new ArrayList<>();
        long from = 0;
        while (true) {
            AllSlice slice = store.readAll(ReadAllOptions.forwards().from(from).limit(1000));
            all.addAll(slice.events());
            if (slice.next().isEmpty() || slice.events().isEmpty()) {
                return all;
            }
            from = slice.next().get().value();
        }
    }

    /** Every event of a stream, in revision order; empty when it has none. */
    public static List<RecordedEvent> readStream(EventStore store, String stream) {
        List<RecordedEvent> events = new ArrayList<>();
        long from = 0;
        try {
            while (true) {
                StreamSlice slice = store.readStream(stream, ReadStreamOptions.forwards().from(from).limit(500));
                events.addAll(slice.events());
                if (slice.next().isEmpty() || slice.events().isEmpty()) {
                    return events;
                }
                from = slice.next().getAsLong();
            }
        } catch (StreamNotFoundException e) {
            return events;
        }
    }

    /**
     * Positions run 0, 1, 2, … without gaps, each stream's revisions run 0, 1, 2, … in log order, and
     * reading each stream gives exactly its events of the global log. Returns the events by stream.
     */
    public static Map<String, List<RecordedEvent>> checkConsistent(EventStore store, List<RecordedEvent> log) {
        Map<String, List<RecordedEvent>> byStream = new HashMap<>();
        for (int i = 0; i < log.size(); i++) {
            RecordedEvent event = log.get(i);
            assertThat(event.position().value()).as("position of the event at index %d of the log", i).isEqualTo(i);
            List<RecordedEvent> stream = byStream.computeIfAbsent(event.stream(), s -> new ArrayList<>());
            assertThat(event.revision()).as("revision of %s (no gaps or duplicates in a stream)", event).isEqualTo(stream.size());
            stream.add(event);
        }
        for (Map.Entry<String, List<RecordedEvent>> e : byStream.entrySet()) {
            assertThat(readStream(store, e.getKey())).as("stream %s read by stream equals its events in $all", e.getKey())
                    .isEqualTo(e.getValue());
        }
        assertThat(store.info().events()).as("events in the store").isEqualTo(log.size());
        assertThat(store.info().streams()).as("streams in the store").isEqualTo(byStream.size());
        return byStream;
    }
}
