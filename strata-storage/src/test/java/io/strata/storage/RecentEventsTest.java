package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.AllSlice;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events near the head are decoded once and shared ({@link RecentEvents}), and what readers get from
 * there is exactly what the log holds, whatever mix of warm and cold positions a read crosses.
 */
class RecentEventsTest {
    @TempDir
    Path dir;

    @Test
    void aSlotHoldsTheNewestPositionPutInIt() {
        RecentEvents recent = new RecentEvents();
        RecentEvents.Entry older = entry(5);
        RecentEvents.Entry newer = entry(5 + RecentEvents.CAPACITY);

        assertThat(recent.get(5)).isNull();
        recent.put(older);
        assertThat(recent.get(5)).isSameAs(older);
        recent.put(newer);
        assertThat(recent.get(5)).as("overwritten by a newer position in the same slot").isNull();
        assertThat(recent.get(5 + RecentEvents.CAPACITY)).isSameAs(newer);
        recent.put(older);
        assertThat(recent.get(5 + RecentEvents.CAPACITY)).as("an older position is not put back").isSameAs(newer);
    }

    @Test
    void aSecondReaderOfANewEventGetsTheInstanceTheFirstDecoded() {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            store.append("order-1", ExpectedRevision.ANY, List.of(event("Placed", 1)));

            RecordedEvent first = store.readAll(ReadAllOptions.forwards()).events().get(0);
            RecordedEvent second = store.readAll(ReadAllOptions.forwards()).events().get(0);

            assertThat(second).isSameAs(first);
        }
    }

    @Test
    void readsThatCrossWarmAndColdPositionsReturnWhatTheLogHolds() {
        int count = (RecentEvents.CAPACITY + RecentEvents.CAPACITY / 2) / 10 * 10; // the oldest are too old to be kept
        EventFilter placed = EventFilter.types("Placed");
        List<RecordedEvent> warmAll;
        List<RecordedEvent> warmPlaced;
        List<RecordedEvent> warmTail;
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            for (int i = 0; i < count; i += 10) {
                List<EventData> batch = new ArrayList<>();
                for (int j = i; j < i + 10; j++) {
                    batch.add(event(j % 3 == 0 ? "Placed" : "Shipped", j));
                }
                store.append("order-" + i % 7, ExpectedRevision.ANY, batch);
            }
            // Warm every other stretch of 100 near the head, then read across them, filtered and not.
            for (long from = count - RecentEvents.CAPACITY; from < count; from += 200) {
                store.readAll(ReadAllOptions.forwards().from(from).limit(100));
            }
            warmPlaced = readAllFrom(store, 0, placed);
            warmAll = readAllFrom(store, 0, EventFilter.ALL);
            warmTail = readAllFrom(store, count - 50, EventFilter.ALL);
        }
        try (EmbeddedEventStore reopened = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            // A new process: nothing decoded yet, every event read from the log.
            assertThat(warmAll).hasSize(count).isEqualTo(readAllFrom(reopened, 0, EventFilter.ALL));
            assertThat(warmPlaced).hasSize((count + 2) / 3).isEqualTo(readAllFrom(reopened, 0, placed));
            assertThat(warmTail).hasSize(50).isEqualTo(readAllFrom(reopened, count - 50, EventFilter.ALL));
        }
    }

    private static List<RecordedEvent> readAllFrom(EmbeddedEventStore store, long from, EventFilter filter) {
        List<RecordedEvent> events = new ArrayList<>();
        Optional<Position> next = Optional.of(Position.of(from));
        while (next.isPresent()) {
            AllSlice slice = store.readAll(ReadAllOptions.forwards().from(next.get()).limit(333).filter(filter));
            events.addAll(slice.events());
            next = slice.next();
        }
        return events;
    }

    private static EventData event(String type, int n) {
        return EventData.json(type, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static RecentEvents.Entry entry(long position) {
        RecordedEvent event = new RecordedEvent(UUID.randomUUID(), "s", "T", 0, Position.of(position), Instant.EPOCH,
                Optional.empty(), EventData.JSON, new byte[0], new byte[0]);
        return new RecentEvents.Entry(event, 0);
    }
}
