package io.strata.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An event store: streams of events with optimistic concurrency, over one global, gap-free,
 * commit-ordered log.
 *
 * <p>Atomicity: a reader observes none or all of an append. An acknowledged append is durable under
 * the store's {@link Durability}. Appends whose event ids were all written before, to the same
 * stream as one batch in the same order, return the original result and write nothing.
 *
 * <p>Implementations are thread-safe.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Appends {@code events} to {@code stream} atomically, if its last revision satisfies {@code expected}.
     *
     * @throws WrongExpectedRevisionException the check failed; nothing was written
     * @throws IdempotencyConflictException   some event ids were already written, but not as this batch
     * @throws TooLargeException              an event or the batch is over a limit
     * @throws InvalidRequestException        an invalid stream name or event type, or no events
     */
    default AppendResult append(String stream, ExpectedRevision expected, List<EventData> events) {
        return Futures.join(appendAsync(stream, expected, events));
    }

    /** {@link #append} without waiting; the future fails with the same exceptions. */
    CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events);

    /**
     * Reads one page of a stream.
     *
     * @throws StreamNotFoundException the stream has no events (as of {@code asOf})
     */
    StreamSlice readStream(String stream, ReadStreamOptions options);

    /** Reads one page of the global log. */
    AllSlice readAll(ReadAllOptions options);

    /**
     * Subscribes to a stream from revision {@code fromRevision} (inclusive): history first, then live.
     * {@link ReadStreamOptions#END} subscribes to live events only.
     */
    Subscription subscribeToStream(String stream, long fromRevision, SubscriptionListener listener);

    /**
     * Subscribes to the global log from {@code fromPosition} (inclusive), keeping what {@code filter}
     * matches. {@link ReadAllOptions#END} subscribes to live events only.
     */
    Subscription subscribeToAll(long fromPosition, EventFilter filter, SubscriptionListener listener);

    StoreInfo info();

    /** Stops taking appends, completes the ones accepted, and releases the store's files. */
    @Override
    void close();
}
