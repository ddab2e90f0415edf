package io.strata.eventsourcing;

import io.strata.core.EventStore;
import io.strata.core.ForwardingEventStore;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StreamSlice;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the events each stream read returns, to check what a load really reads. */
final class CountingEventStore extends ForwardingEventStore {
    private final Map<String, AtomicLong> eventsRead = new ConcurrentHashMap<>();

    CountingEventStore(EventStore delegate) {
        super(delegate);
    }

    @Override
    public StreamSlice readStream(String stream, ReadStreamOptions options) {
        StreamSlice slice = delegate().readStream(stream, options);
        eventsRead.computeIfAbsent(stream, s -> new AtomicLong()).addAndGet(slice.events().size());
        return slice;
    }

    long eventsRead(String stream) {
        AtomicLong count = eventsRead.get(stream);
        return count == null ? 0 : count.get();
    }

    void reset() {
        eventsRead.clear();
    }
}
