package io.strata.server.groups;

import io.strata.core.EventStore;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import java.util.List;
import java.util.Optional;

/** Reads one stream by revision; keeps the global position alongside for the checkpoint. */
final class StreamSourceReader implements SourceReader {
    private final EventStore store;
    private final String stream;

    StreamSourceReader(EventStore store, String stream) {
        this.store = store;
        this.stream = stream;
    }

    @Override
    public Page read(Checkpoint from, int limit) {
        long head = SourceReader.headExclusive(store); // before the read: see AllSourceReader.read
        StreamSlice slice;
        try {
            slice = store.readStream(stream, ReadStreamOptions.forwards().from(from.revision()).limit(limit));
        } catch (StreamNotFoundException e) {
            return new Page(List.of(), new Checkpoint(Math.max(from.position(), head), from.revision()), true);
        }
        List<RecordedEvent> events = slice.events();
        long afterLast = events.isEmpty() ? from.position() : events.getLast().position().value() + 1;
        if (slice.next().isPresent()) {
            return new Page(events, new Checkpoint(Math.max(from.position(), afterLast), slice.next().getAsLong()), false);
        }
        long nextRevision = Math.max(from.revision(), slice.lastRevision() + 1);
        return new Page(events, new Checkpoint(Math.max(Math.max(from.position(), afterLast), head), nextRevision), true);
    }

    @Override
    public Checkpoint resolve(StartFrom start) {
        return switch (start) {
            case StartFrom.Start s -> new Checkpoint(0, 0);
            case StartFrom.End e -> {
                // The head first: an event appended between the two reads counts as before the start
                // (it raced with the creation), and no event below the head is left unread.
                long head = SourceReader.headExclusive(store);
                yield new Checkpoint(head, lastRevision() + 1);
            }
            case StartFrom.At at -> new Checkpoint(at.position().value(), firstRevisionAtOrAfter(at.position().value()));
        };
    }

    /** Binary search over revisions (positions grow with revisions): O(log n) one-event reads. */
    private long firstRevisionAtOrAfter(long position) {
        long low = 0;
        long high = lastRevision() + 1;
        while (low < high) {
            long middle = (low + high) >>> 1;
            List<RecordedEvent> events = store.readStream(stream, ReadStreamOptions.forwards().from(middle).limit(1)).events();
            if (events.isEmpty() || events.getFirst().position().value() >= position) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    private long lastRevision() {
        try {
            return store.readStream(stream, ReadStreamOptions.backwards().limit(1)).lastRevision();
        } catch (StreamNotFoundException e) {
            return -1;
        }
    }

    @Override
    public long unread(Checkpoint next) {
        return Math.max(0, lastRevision() + 1 - next.revision());
    }

    @Override
    public Optional<RecordedEvent> read(ParkedRecord record) {
        try {
            List<RecordedEvent> events = store.readStream(stream, ReadStreamOptions.forwards().from(record.revision()).limit(1)).events();
            return events.isEmpty() || events.getFirst().revision() != record.revision()
                    ? Optional.empty() : Optional.of(events.getFirst());
        } catch (StreamNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Subscription subscribeToNewEvents(Runnable onNewEvent) {
        return store.subscribeToStream(stream, ReadStreamOptions.END, new SubscriptionListener() {
            @Override
            public void onEvent(RecordedEvent event) {
                onNewEvent.run();
            }
        });
    }

    @Override
    public String toString() {
        return "stream " + stream;
    }
}
