package io.strata.client;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.protocol.ProtoErrors;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.AppendStreamResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Pipelined appends over one {@code AppendStream} call: a publisher sends the next append without
 * waiting for the answer to the last, so one Java process can keep the server's writer busy. Get one
 * from {@link StrataClient#publisher(int)}.
 *
 * <pre>
 *   publish() ──► wait for one of maxInFlight permits ──► pending[correlation id] = future ──► send
 *   answer(correlation id) ──► future completes (result, or that append's own error) ──► permit back
 *   stream breaks ──► every pending future fails with the mapped exception; later publishes fail too
 * </pre>
 *
 * <p>Back-pressure: at most {@code maxInFlight} appends are unanswered at any time. {@link #publish}
 * <b>blocks</b> the caller while that many are, up to the client's deadline (then its future fails
 * with {@link DeadlineExceededException}). Blocking parks a virtual thread cheaply; a platform-thread
 * caller that must never block should bound its own sends.
 *
 * <p>Order: the server applies appends in the order they were sent; one thread publishing to one
 * stream sees its appends land in that order. Answers may come back in any order.
 *
 * <p>Failures: an append the store rejects (a wrong expected revision, say) fails only its own future;
 * the stream goes on. A transport failure (the server went away) fails every pending future with the
 * same exception. An append left unanswered for longer than the deadline is taken as a stuck stream:
 * the call is cancelled and every pending future fails with {@link DeadlineExceededException}.
 *
 * <p>A future's dependent actions run on the client's callback executor, never on the network's event
 * loop, so they may block, or publish again.
 *
 * <p>This class is thread-safe.
 */
public final class Publisher implements AutoCloseable {
    private final ClientCall<AppendRequest, AppendStreamResponse> call;
    private final ClientErrors errors;
    private final Duration deadline;
    private final int maxInFlight;
    private final Semaphore permits;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong correlationIds = new AtomicLong();
    /** gRPC's ClientCall is not thread-safe: sends, half-close and cancel go one at a time. */
    private final ReentrantLock sending = new ReentrantLock();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final ScheduledFuture<?> deadlineCheck;
    private final Consumer<Publisher> onEnd;
    private final Executor callbacks;
    /** Why the stream ended or is ending; null while it runs. Later publishes fail with it. */
    private volatile StrataException failure;
    private volatile boolean closing;

    private record Pending(CompletableFuture<AppendResult> future, long sentAtNanos) {
    }

    Publisher(ClientCall<AppendRequest, AppendStreamResponse> call, int maxInFlight, ClientErrors errors,
              Duration deadline, ScheduledExecutorService timer, Executor callbacks, Consumer<Publisher> onEnd) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.call = call;
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
        this.errors = errors;
        this.deadline = deadline;
        this.onEnd = onEnd;
        this.callbacks = callbacks;
        call.start(new Answers(), new Metadata());
        call.request(maxInFlight);
        // Checking four times per deadline finds a stuck append between 1 and 1.25 deadlines after it was sent.
        long period = Math.max(10, deadline.toMillis() / 4);
        this.deadlineCheck = timer.scheduleWithFixedDelay(this::expireStuckAppends, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends an append without waiting for its answer; blocks while {@link #maxInFlight()} appends are
     * unanswered. The future completes with where the append landed, or fails with the same exceptions
     * as {@link io.strata.core.EventStore#append}, or with a {@link ServerConnectionException}.
     */
    public CompletableFuture<AppendResult> publish(String stream, ExpectedRevision expected, List<EventData> events) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(events, "events");
        StrataException ended = endedWith();
        if (ended != null) {
            return ClientFuture.failed(callbacks, ended);
        }
        StrataException noPermit = acquirePermit();
        if (noPermit != null) {
            return ClientFuture.failed(callbacks, noPermit);
        }
        long id = correlationIds.incrementAndGet();
        AppendRequest request;
        try {
            request = ProtoMapping.appendRequest(id, stream, expected, events);
        } catch (RuntimeException e) {
            permits.release();
            return ClientFuture.failed(callbacks, e);
        }
        CompletableFuture<AppendResult> future = new ClientFuture<>(callbacks);
        pending.put(id, new Pending(future, System.nanoTime()));
        sending.lock();
        try {
            ended = endedWith();
            if (ended != null) {
                fail(id, ended); // the stream ended while this one waited; whoever removes it completes it
            } else {
                call.sendMessage(request);
            }
        } catch (RuntimeException e) {
            fail(id, errors.fromThrowable(e, deadline));
        } finally {
            sending.unlock();
        }
        return future;
    }

    /** The most appends this publisher leaves unanswered at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** How many appends are sent and not answered yet (a moment's view). */
    public int inFlight() {
        return maxInFlight - permits.availablePermits();
    }

    /** Whether the stream still takes appends: false once closed or broken. */
    public boolean isOpen() {
        return endedWith() == null;
    }

    /**
     * Stops taking appends and waits, up to the client's deadline, for the answers to those sent; any
     * still unanswered then fail with {@link DeadlineExceededException}. Idempotent.
     */
    @Override
    public void close() {
        sending.lock();
        try {
            if (!closing) {
                closing = true;
                if (failure == null) {
                    call.halfClose(); // the server answers what it has, then ends the call
                }
            }
        } finally {
            sending.unlock();
        }
        try {
            ended.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort(new DeadlineExceededException(errors.address(), deadline, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(new StoreUnavailableException("interrupted while closing a publisher to the Strata server at "
                    + errors.address(), e));
        } catch (ExecutionException e) {
            // ended never fails
        }
    }

    private StrataException endedWith() {
        StrataException f = failure;
        if (f != null) {
            return f;
        }
        return closing ? new StoreUnavailableException("the publisher to the Strata server at " + errors.address()
                + " is closed") : null;
    }

    private StrataException acquirePermit() {
        if (permits.tryAcquire()) {
            return null;
        }
        try {
            if (permits.tryAcquire(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                return null;
            }
            return new DeadlineExceededException(errors.address(), deadline, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StoreUnavailableException("interrupted while waiting to publish to the Strata server at "
                    + errors.address(), e);
        }
    }

    /** Completes the pending append {@code id}, if still pending, then gives its permit back. */
    private void answer(long id, AppendStreamResponse response) {
        Pending p = pending.remove(id);
        if (p == null) {
            return; // failed already (the stream broke, or its deadline passed)
        }
        switch (response.getOutcomeCase()) {
            case RESULT -> {
                AppendResult result;
                try {
                    result = ProtoMapping.fromProto(response.getResult());
                } catch (RuntimeException e) {
                    p.future.completeExceptionally(e);
                    break;
                }
                p.future.complete(result);
            }
            case ERROR -> p.future.completeExceptionally(ProtoErrors.fromProto(response.getError()));
            case OUTCOME_NOT_SET -> p.future.completeExceptionally(new ServerUnavailableException(errors.address(),
                    "the server answered append " + id + " with neither a result nor an error", null));
        }
        // Released after completing, so that code reacting to the future never sees more than
        // maxInFlight appends outstanding.
        permits.release();
    }

    private void fail(long id, StrataException error) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.future.completeExceptionally(error);
            permits.release();
        }
    }

    private void failAllPending(StrataException error) {
        for (Long id : pending.keySet()) {
            fail(id, error);
        }
    }

    /** Ends the stream now: every pending append fails with {@code why}. */
    private void abort(StrataException why) {
        sending.lock();
        try {
            if (failure == null) {
                failure = why;
            }
            call.cancel(why.getMessage(), null);
        } finally {
            sending.unlock();
        }
        failAllPending(failure);
    }

    private void expireStuckAppends() {
        long now = System.nanoTime();
        long limit = deadline.toNanos();
        for (Pending p : pending.values()) {
            if (now - p.sentAtNanos > limit) {
                abort(new DeadlineExceededException(errors.address(), deadline, null));
                return;
            }
        }
    }

    /** The call's callbacks: gRPC runs them one at a time, on the event loop. They never block. */
    private final class Answers extends ClientCall.Listener<AppendStreamResponse> {
        @Override
        public void onMessage(AppendStreamResponse response) {
            answer(response.getCorrelationId(), response);
            call.request(1);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            StrataException why;
            if (failure != null) {
                why = failure;
            } else if (!status.isOk()) {
                why = errors.fromStatus(status, trailers, deadline);
            } else {
                why = new ServerUnavailableException(errors.address(), "the server ended the append stream with "
                        + pending.size() + " appends unanswered", null);
            }
            if (failure == null && !(status.isOk() && closing)) {
                failure = why;
            }
            failAllPending(why);
            deadlineCheck.cancel(false);
            ended.complete(null);
            onEnd.accept(Publisher.this);
        }
    }
}
