package io.strata.eventsourcing.projection;

import io.strata.core.AllSlice;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The test domain: accounts with {@code Deposited} and {@code Withdrawn} events of
 * {@code {"amount":N}}, and the fold of the log that every read model must equal.
 */
final class Accounts {
    static final String DEPOSITED = "Deposited";
    static final String WITHDRAWN = "Withdrawn";

    /** Per stream: how many events and their signed sum. */
    record Totals(long events, long balance) {
        Totals plus(long amount) {
            return new Totals(events + 1, balance + amount);
        }
    }

    private Accounts() {
    }

    static EmbeddedEventStore open(Path directory) {
        return EmbeddedEventStore.open(StoreConfig.builder(directory).durability(Durability.NONE).memtableEntries(1 << 14).build());
    }

    static EventData deposited(long amount) {
        return EventData.json(DEPOSITED, ("{\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8));
    }

    static EventData withdrawn(long amount) {
        return EventData.json(WITHDRAWN, ("{\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The amount, negative for a withdrawal. Parsed by hand from the bytes: the data always starts
     * {@code {"amount":N} (the benchmark pads it with more fields after N).
     */
    static long signedAmount(RecordedEvent event) {
        byte[] data = event.data();
        int i = AMOUNT_PREFIX.length;
        long amount = 0;
        while (i < data.length && data[i] >= '0' && data[i] <= '9') {
            amount = amount * 10 + (data[i++] - '0');
        }
        return WITHDRAWN.equals(event.type()) ? -amount : amount;
    }

    private static final byte[] AMOUNT_PREFIX = "{\"amount\":".getBytes(StandardCharsets.UTF_8);

    /** Appends {@code events} random deposits and withdrawals over streams account-0 … account-(streams-1). */
    static Position appendRandom(EventStore store, Random random, int events, int streams) {
        Position last = null;
        int left = events;
        while (left > 0) {
            int batch = Math.min(left, 1 + random.nextInt(10));
            List<EventData> data = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                long amount = 1 + random.nextInt(1000);
                data.add(random.nextInt(4) == 0 ? withdrawn(amount) : deposited(amount));
            }
            last = store.append("account-" + random.nextInt(streams), ExpectedRevision.ANY, data).lastPosition();
            left -= batch;
        }
        return last;
    }

    /** The fold of every event of the log that {@code filter} keeps (bookkeeping streams excluded). */
    static Map<String, Totals> fold(EventStore store, EventFilter filter) {
        Map<String, Totals> totals = new TreeMap<>();
        for (RecordedEvent event : readAll(store, filter)) {
            if ((DEPOSITED.equals(event.type()) || WITHDRAWN.equals(event.type())) && !event.stream().startsWith("projection-")) {
                totals.merge(event.stream(), new Totals(1, signedAmount(event)), (a, b) -> new Totals(a.events() + b.events(), a.balance() + b.balance()));
            }
        }
        return totals;
    }

    static Map<String, Totals> fold(EventStore store) {
        return fold(store, EventFilter.ALL);
    }

    static List<RecordedEvent> readAll(EventStore store, EventFilter filter) {
        List<RecordedEvent> events = new ArrayList<>();
        long from = 0;
        while (true) {
            AllSlice slice = store.readAll(ReadAllOptions.forwards().from(from).limit(1000).filter(filter));
            events.addAll(slice.events());
            if (slice.next().isEmpty()) {
                return events;
            }
            from = slice.next().get().value();
        }
    }

    static Position head(EventStore store) {
        return store.info().headPosition().orElseThrow();
    }
}
