package io.strata.eventsourcing;

import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ForwardingEventStore;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another writer that gets in first: before each of the next {@code times} appends, it appends its
 * own event to the same stream, so the append really meets a concurrency conflict in the store.
 */
final class InterferingEventStore extends ForwardingEventStore {
    private final EventData interloper;
    private final AtomicInteger remaining;
    private final AtomicInteger interferences = new AtomicInteger();

    InterferingEventStore(EventStore delegate, EventData interloper, int times) {
        super(delegate);
        this.interloper = interloper;
        this.remaining = new AtomicInteger(times);
    }

    @Override
    public AppendResult append(String stream, ExpectedRevision expected, List<EventData> events) {
        interfere(stream);
        return delegate().append(stream, expected, events);
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
        interfere(stream);
        return delegate().appendAsync(stream, expected, events);
    }

    private void interfere(String stream) {
        if (remaining.getAndDecrement() > 0) {
            delegate().append(stream, ExpectedRevision.ANY, List.of(interloper));
            interferences.incrementAndGet();
        }
    }

    int interferences() {
        return interferences.get();
    }
}
