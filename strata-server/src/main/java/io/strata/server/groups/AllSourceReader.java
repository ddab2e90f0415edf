package io.strata.server.groups;

import io.strata.core.AllSlice;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import java.util.List;
import java.util.Optional;

/** Reads {@code $all} through a filter, by position. */
final class AllSourceReader implements SourceReader {
    private final EventStore store;
    private final EventFilter filter;

    AllSourceReader(EventStore store, EventFilter filter) {
        this.store = store;
        this.filter = filter;
    }

    @Override
    public Page read(Checkpoint from, int limit) {
        // The head is taken before the read: at the end of the log, every position below it was
        // scanned, so reading may go on from there even when the last events were filtered out.
        long head = SourceReader.headExclusive(store);
        if (from.position() >= head) {
            return new Page(List.of(), from, true);
        }
        AllSlice slice = store.readAll(ReadAllOptions.forwards().from(from.position()).limit(limit).filter(filter));
        List<RecordedEvent> events = slice.events();
        if (slice.next().isPresent()) {
            return new Page(events, Checkpoint.ofAll(slice.next().get().value()), false);
        }
        long afterLast = events.isEmpty() ? from.position() : events.getLast().position().value() + 1;
        return new Page(events, Checkpoint.ofAll(Math.max(head, afterLast)), true);
    }

    @Override
    public Checkpoint resolve(StartFrom start) {
        return switch (start) {
            case StartFrom.Start s -> Checkpoint.ofAll(0);
            case StartFrom.End e -> Checkpoint.ofAll(SourceReader.headExclusive(store));
            case StartFrom.At at -> Checkpoint.ofAll(at.position().value());
        };
    }

    @Override
    public long unread(Checkpoint next) {
        return Math.max(0, SourceReader.headExclusive(store) - next.position());
    }

    @Override
    public Optional<RecordedEvent> read(ParkedRecord record) {
        List<RecordedEvent> events = store.readAll(ReadAllOptions.forwards().from(record.position()).limit(1)).events();
        return events.isEmpty() || events.getFirst().position().value() != record.position()
                ? Optional.empty() : Optional.of(events.getFirst());
    }

    @Override
    public Subscription subscribeToNewEvents(Runnable onNewEvent) {
        return store.subscribeToAll(ReadAllOptions.END, filter, new SubscriptionListener() {
            @Override
            public void onEvent(RecordedEvent event) {
                onNewEvent.run();
            }
        });
    }

    @Override
    public String toString() {
        return "$all " + filter;
    }
}
