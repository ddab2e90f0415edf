package io.strata.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.strata.core.AppendResult;
import io.strata.core.TooLargeException;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.EventStoreGrpc;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every append of a {@link StrataClient}, from any number of threads, multiplexed over a few shared
 * {@code AppendStream} calls ({@link SharedAppendStream}): one request message per append instead of one
 * call, which saves the call's headers, its HTTP/2 stream and most of its objects on both sides.
 *
 * <pre>
 *   append ──► request with a fresh correlation id ──► its size against the server's bound
 *     ├─ over the bound ─────────────────► fails TooLargeException here, nothing sent
 *     ├─ over 1 MiB, or bound unknown ───► one unary Append call, as before
 *     └─ else ───► streams[caller's thread id % n] ──► send; an ended stream is replaced first
 * </pre>
 *
 * <p>Design note: sizes are checked here because the server's transport refuses a message over its
 * bound by ending the whole call, which would fail every append sharing it. Appends over
 * {@link #MAX_STREAMED_REQUEST_BYTES} go unary: a call's overhead is nothing next to their bytes, and
 * they would hold up the small appends queued behind them on the stream and fill the server's byte bound
 * of the call. A caller thread always uses the same stream, so one thread's appends under 1 MiB reach the
 * server, and are applied, in the order they were made (also those made while the bound was looked up).
 *
 * <p>This class is thread-safe.
 */
final class AppendStreams {
    /** Appends up to this size share a stream; larger ones go as unary calls. */
    static final int MAX_STREAMED_REQUEST_BYTES = 1 << 20;

    private final Channel channel;
    private final ClientErrors errors;
    private final Duration deadline;
    private final ServerRequestLimit limit;
    private final AtomicReferenceArray<SharedAppendStream> streams;
    private final AtomicLong correlationIds = new AtomicLong();
    private final LongAdder streamedAppends = new LongAdder();
    private final LongAdder unaryAppends = new LongAdder();
    private final LongAdder streamsOpened = new LongAdder();
    private final ScheduledFuture<?> deadlineCheck;
    /** Appends made while the server's bound was being looked up, in the order they were made. */
    private final ArrayDeque<Outgoing> waitingForBound = new ArrayDeque<>();
    private volatile boolean anyWaitingForBound;
    private volatile boolean closed;

    /** An append on its way: its request, the stream slot of the thread that made it, its future. */
    private record Outgoing(AppendRequest request, int slot, CompletableFuture<AppendResult> future) {
    }

    AppendStreams(Channel channel, int streamCount, ClientErrors errors, Duration deadline, ScheduledExecutorService timer) {
        this.channel = channel;
        this.errors = errors;
        this.deadline = deadline;
        this.limit = new ServerRequestLimit(channel, errors, deadline);
        this.streams = new AtomicReferenceArray<>(streamCount);
        // Four checks per deadline: an unanswered append fails between 1 and 1.25 deadlines after it was sent.
        long period = Math.max(10, deadline.toMillis() / 4);
        this.deadlineCheck = timer.scheduleWithFixedDelay(this::expireLateAppends, period, period, TimeUnit.MILLISECONDS);
    }

    /** What the appends took so far, for tests: a moment's view. */
    record Counts(long streamedAppends, long unaryAppends, long streamsOpened) {
    }

    Counts counts() {
        return new Counts(streamedAppends.sum(), unaryAppends.sum(), streamsOpened.sum());
    }

    /**
     * Sends one append; {@code future} completes with its result or fails with the engine's exception or a
     * {@link ServerConnectionException}. Throws what {@link ProtoMapping#appendRequest} throws for
     * arguments that cannot be sent at all.
     */
    CompletableFuture<AppendResult> append(String stream, io.strata.core.ExpectedRevision expected,
                                           java.util.List<io.strata.core.EventData> events,
                                           CompletableFuture<AppendResult> future) {
        Outgoing append = new Outgoing(
                ProtoMapping.appendRequest(correlationIds.incrementAndGet(), stream, expected, events),
                (int) (Thread.currentThread().threadId() % streams.length()), future);
        CompletableFuture<Long> bound = limit.get();
        if (bound.isDone() && !anyWaitingForBound) { // nearly always: the bound is learned once per connection
            route(append, bound);
            return future;
        }
        synchronized (waitingForBound) {
            if (!bound.isDone() || !waitingForBound.isEmpty()) {
                // In a queue, not as separate dependents of the lookup, which would run in reverse order.
                waitingForBound.add(append);
                anyWaitingForBound = true;
                if (waitingForBound.size() == 1) {
                    bound.whenComplete((ignored, error) -> routeWaiting(bound));
                }
                return future;
            }
        }
        route(append, bound);
        return future;
    }

    /** Routes, in the order they came, the appends that waited for the server's bound. */
    private void routeWaiting(CompletableFuture<Long> bound) {
        while (true) {
            Outgoing next;
            synchronized (waitingForBound) {
                next = waitingForBound.poll();
                if (next == null) {
                    anyWaitingForBound = false;
                    return;
                }
            }
            route(next, bound);
        }
    }

    private void route(Outgoing append, CompletableFuture<Long> bound) {
        AppendRequest request = append.request();
        CompletableFuture<AppendResult> future = append.future();
        long maxRequestBytes;
        try {
            maxRequestBytes = bound.join();
        } catch (RuntimeException e) {
            future.completeExceptionally(errors.fromThrowable(e.getCause() == null ? e : e.getCause(), deadline));
            return;
        }
        int size = request.getSerializedSize();
        if (maxRequestBytes != ServerRequestLimit.UNKNOWN && size > maxRequestBytes) {
            future.completeExceptionally(new TooLargeException("gRPC message size", maxRequestBytes, size));
        } else if (maxRequestBytes == ServerRequestLimit.UNKNOWN || size > MAX_STREAMED_REQUEST_BYTES) {
            unary(request, future);
        } else {
            sendOnStream(request, append.slot(), future);
        }
    }

    private void sendOnStream(AppendRequest request, int slot, CompletableFuture<AppendResult> future) {
        while (true) {
            if (closed) {
                future.completeExceptionally(errors.closed());
                return;
            }
            SharedAppendStream stream = openStreamAt(slot);
            if (stream.send(request, future)) {
                streamedAppends.increment();
                return;
            }
            // It ended just now: the next turn opens its replacement.
        }
    }

    private SharedAppendStream openStreamAt(int slot) {
        SharedAppendStream current = streams.get(slot);
        if (current != null && current.isOpen()) {
            return current;
        }
        synchronized (streams) { // rare: once per slot, and after a stream ended
            current = streams.get(slot);
            if (current == null || !current.isOpen()) {
                current = SharedAppendStream.open(channel, errors, deadline, this::ended);
                streamsOpened.increment();
                streams.set(slot, current);
            }
            return current;
        }
    }

    /** A stream ended: the server may have restarted with another bound, so learn it again. */
    private void ended(SharedAppendStream stream) {
        limit.forget();
    }

    private void unary(AppendRequest request, CompletableFuture<AppendResult> future) {
        unaryAppends.increment();
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
        UnaryCall.start(channel, EventStoreGrpc.getAppendMethod(), options, request, ProtoMapping::fromProto, errors,
                deadline, future);
    }

    private void expireLateAppends() {
        long now = System.nanoTime();
        for (int i = 0; i < streams.length(); i++) {
            SharedAppendStream stream = streams.get(i);
            if (stream != null) {
                stream.expire(now);
            }
        }
    }

    /**
     * Takes no more appends; waits, up to the deadline per stream, for the answers to those sent. Later
     * appends fail with {@link ClientErrors#closed()}.
     */
    void close() {
        closed = true;
        deadlineCheck.cancel(false);
        for (int i = 0; i < streams.length(); i++) {
            SharedAppendStream stream = streams.get(i);
            if (stream != null) {
                stream.close();
            }
        }
    }
}
