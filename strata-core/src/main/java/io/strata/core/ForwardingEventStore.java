package io.strata.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link EventStore} that passes every call to another one, closing included; a subclass overrides
 * what it adds to (a store that also owns a server, one whose close the test owns, one that counts reads).
 */
public abstract class ForwardingEventStore implements EventStore {
    private final EventStore delegate;

    protected ForwardingEventStore(EventStore delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /** The store every call goes to. */
    protected final EventStore delegate() {
        return delegate;
    }

    @Override
    public AppendResult append(String stream, ExpectedRevision expected, List<EventData> events) {
        return delegate.append(stream, expected, events);
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

    @Override
    public void close() {
        delegate.close();
    }
}
