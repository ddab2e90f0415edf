package io.strata.eventsourcing;

import io.strata.core.AllSlice;
import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StoreInfo;
import io.strata.core.StreamSlice;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An {@link EventStore} that passes everything to a real one; tests override what they observe. */
public class ForwardingEventStore implements EventStore {
    protected final EventStore delegate;

    public ForwardingEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
        return delegate.appendAsync(stream, expected, events);
    }

    @Override
    public StreamSlice readStream(String stream, ReadStreamOptions options) {
        return delegate.readStream(stream, options);
    }

    @Override
    public AllSlice readAll(ReadAllOptions options) {
        return delegate.readAll(options);
    }

    @Override
    public Subscription subscribeToStream(String stream, long fromRevision, SubscriptionListener listener) {
        return delegate.subscribeToStream(stream, fromRevision, listener);
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, EventFilter filter, SubscriptionListener listener) {
        return delegate.subscribeToAll(fromPosition, filter, listener);
    }

    @Override
    public StoreInfo info() {
        return delegate.info();
    }

    /** Leaves the real store open: its owner closes it. */
    @Override
    public void close() {
    }
}
