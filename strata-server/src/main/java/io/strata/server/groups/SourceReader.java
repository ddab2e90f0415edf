package io.strata.server.groups;

import io.strata.core.EventStore;
import io.strata.core.RecordedEvent;
import io.strata.core.Subscription;
import java.util.List;
import java.util.Optional;

/**
 * Reads a group's source through the public {@link EventStore} API only, one page at a time from a
 * {@link Checkpoint}: paged reads rather than a subscription, so that the group reads only when it has
 * room (memory stays bounded without blocking a store thread) and knows exactly how far it scanned,
 * filtered-out events included.
 */
interface SourceReader {

    static SourceReader of(EventStore store, GroupSource source) {
        return switch (source) {
            case GroupSource.Stream stream -> new StreamSourceReader(store, stream.name());
            case GroupSource.All all -> new AllSourceReader(store, all.filter());
        };
    }

    /**
     * One page of the source's events from {@code from}.
     *
     * @param next  where the following read starts; past everything this read looked at
     * @param atEnd the read reached the end of the log: wait for a new event before reading again
     */
    record Page(List<RecordedEvent> events, Checkpoint next, boolean atEnd) {
    }

    Page read(Checkpoint from, int limit);

    /** Where a group created now with {@code start} begins. */
    Checkpoint resolve(StartFrom start);

    /** The source's events not yet read from {@code next}; for {@code $all}, log positions not yet scanned. */
    long unread(Checkpoint next);

    /** The event a parked record names, when the store still has it. */
    Optional<RecordedEvent> read(ParkedRecord record);

    /** Calls {@code onNewEvent} for every source event appended from now on, on a store thread; it must be quick. */
    Subscription subscribeToNewEvents(Runnable onNewEvent);

    /** The position the next event appended to the log will get: all below it are readable. */
    static long headExclusive(EventStore store) {
        return store.info().headPosition().map(p -> p.value() + 1).orElse(0L);
    }
}
