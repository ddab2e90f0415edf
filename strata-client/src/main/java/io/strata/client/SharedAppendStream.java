package io.strata.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.strata.core.AppendResult;
import io.strata.core.StrataException;
import io.strata.protocol.ProtoErrors;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.AppendStreamResponse;
import io.strata.protocol.v1.EventStoreGrpc;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One {@code AppendStream} call that the appends of many caller threads share: each append is one
 * request message with a correlation id, and its future waits in {@code pending} until the answer with
 * that id comes back. Opened and replaced by {@link AppendStreams}.
 *
 * <pre>
 *   send(request, future) ──► pending[id] = future ──► outgoing queue ──► whoever finds the queue
 *                                                                         unattended sends all of it
 *   event loop: answer{id, result | error} ──► pending.remove(id).complete(…)   (that append only)
 *               call ends (server gone, connection broken) ──► every pending future fails with the
 *               mapped exception; the stream takes no more sends: AppendStreams opens another
 * </pre>
 *
 * <p>Failures: an append the store rejects fails only its own future; the call goes on. A request the
 * server's transport would refuse (over its message bound) would end the call for everyone, so
 * {@link AppendStreams} never sends one here. An append left unanswered past the deadline fails alone with
 * {@link DeadlineExceededException} ({@link #expire}); the call stays, as a unary call's deadline leaves
 * the connection.
 *
 * <p>Threads: gRPC's {@code ClientCall} is not thread-safe, so sends, the half-close and the cancel happen
 * inside {@link #drainSends}, one thread at a time (a work-in-progress counter): a sender that finds it busy
 * leaves its request in the queue for the busy thread to send, and never waits for it. Answers run on
 * the event loop (the channel's direct executor) and only complete futures: {@link ClientFuture} moves
 * their dependent actions to the callback executor.
 *
 * <p>This class is thread-safe.
 */
final class SharedAppendStream {
    /** Answers asked of gRPC at a time; more are asked for after each half of them came. */
    private static final int ANSWER_CREDIT = 1024;

    private final ClientCall<AppendRequest, AppendStreamResponse> call;
    private final ClientErrors errors;
    private final Duration deadline;
    private final Consumer<SharedAppendStream> onEnd;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<AppendRequest> outgoing = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sendRequests = new AtomicInteger();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Why the call ended; null while it runs. */
    private volatile StrataException endedWith;
    private volatile boolean closing;
    private volatile String cancelReason;
    // Only touched inside drainSends:
    private boolean halfClosed;
    private boolean cancelled;
    // Only touched by the call's callbacks (the event loop):
    private int answersUntilMoreCredit = ANSWER_CREDIT / 2;

    private record Pending(CompletableFuture<AppendResult> future, long sentAtNanos) {
    }

    private SharedAppendStream(ClientCall<AppendRequest, AppendStreamResponse> call, ClientErrors errors,
                               Duration deadline, Consumer<SharedAppendStream> onEnd) {
        this.call = call;
        this.errors = errors;
        this.deadline = deadline;
        this.onEnd = onEnd;
    }

    /** Starts an {@code AppendStream} call on {@code channel}; {@code onEnd} hears when it has ended. */
    static SharedAppendStream open(Channel channel, ClientErrors errors, Duration deadline,
                                   Consumer<SharedAppendStream> onEnd) {
        SharedAppendStream stream = new SharedAppendStream(
                channel.newCall(EventStoreGrpc.getAppendStreamMethod(), CallOptions.DEFAULT), errors, deadline, onEnd);
        stream.call.start(stream.new Answers(), new Metadata());
        stream.call.request(ANSWER_CREDIT);
        return stream;
    }

    /** Whether the call still takes appends: false once it ended or is closing. */
    boolean isOpen() {
        return endedWith == null && !closing;
    }

    /**
     * Sends {@code request} (its correlation id unique on this call, its size within the server's bound);
     * {@code future} completes with its answer, or fails. Returns false, having sent nothing and kept
     * nothing, when the call no longer takes appends: the caller sends it on another.
     */
    boolean send(AppendRequest request, CompletableFuture<AppendResult> future) {
        long id = request.getCorrelationId();
        pending.put(id, new Pending(future, System.nanoTime()));
        if (!isOpen()) { // read after the put: the end either sees this append, or this sees the end
            return pending.remove(id) == null; // true: the end failed it already, with its reason
        }
        outgoing.add(request);
        drainSends();
        return true;
    }

    /** Fails, with {@link DeadlineExceededException}, every append sent more than the deadline ago. */
    void expire(long nowNanos) {
        long limit = deadline.toNanos();
        for (Map.Entry<Long, Pending> entry : pending.entrySet()) {
            Pending p = entry.getValue();
            if (nowNanos - p.sentAtNanos() > limit && pending.remove(entry.getKey(), p)) {
                p.future().completeExceptionally(new DeadlineExceededException(errors.address(), deadline, null));
            }
        }
    }

    /**
     * Takes no more appends and waits, up to the deadline, for the answers to those sent; any still
     * unanswered then fail with {@link DeadlineExceededException}. Idempotent.
     */
    void close() {
        closing = true;
        drainSends(); // half-closes: the server answers what it has, then ends the call
        try {
            ended.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort(new DeadlineExceededException(errors.address(), deadline, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(errors.closed());
        } catch (ExecutionException e) {
            // ended never fails
        }
    }

    /** Ends the call now: every pending append fails with {@code why}. */
    private void abort(StrataException why) {
        end(why);
        cancelReason = why.getMessage();
        drainSends();
    }

    // ---- sending: one thread at a time

    private void drainSends() {
        if (sendRequests.getAndIncrement() != 0) {
            return; // the thread inside sends this one too
        }
        int missed = 1;
        do {
            sendQueued();
            missed = sendRequests.addAndGet(-missed);
        } while (missed != 0);
    }

    private void sendQueued() {
        AppendRequest request;
        while ((request = outgoing.poll()) != null) {
            if (cancelled || halfClosed) {
                // Closed while this one was queued: its future failed with the reason of the cancel, or
                // fails now as an append to a closed client would.
                fail(request.getCorrelationId(), errors.closed());
                continue;
            }
            try {
                call.sendMessage(request);
            } catch (RuntimeException e) {
                fail(request.getCorrelationId(), errors.fromThrowable(e, deadline));
            }
        }
        String cancel = cancelReason;
        if (cancel != null && !cancelled) {
            cancelled = true;
            call.cancel(cancel, null);
        } else if (closing && !halfClosed && !cancelled) {
            halfClosed = true;
            call.halfClose();
        }
    }

    // ---- answers and ending

    private void fail(long id, StrataException error) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.future().completeExceptionally(error);
        }
    }

    /** Marks the call ended with {@code why} (the first reason wins) and fails every pending append with it. */
    private void end(StrataException why) {
        if (endedWith == null) {
            endedWith = why;
        }
        StrataException reason = endedWith;
        for (Long id : pending.keySet()) {
            fail(id, reason);
        }
    }

    private void answer(AppendStreamResponse response) {
        Pending p = pending.remove(response.getCorrelationId());
        if (p == null) {
            return; // failed already: its deadline passed
        }
        switch (response.getOutcomeCase()) {
            case RESULT -> {
                AppendResult result;
                try {
                    result = ProtoMapping.fromProto(response.getResult());
                } catch (RuntimeException e) {
                    p.future().completeExceptionally(e);
                    return;
                }
                p.future().complete(result);
            }
            case ERROR -> p.future().completeExceptionally(ProtoErrors.fromProto(response.getError()));
            case OUTCOME_NOT_SET -> p.future().completeExceptionally(new ServerUnavailableException(errors.address(),
                    "the server answered an append with neither a result nor an error", null));
        }
    }

    /** The call's callbacks: gRPC runs them one at a time, on the event loop. They never block. */
    private final class Answers extends ClientCall.Listener<AppendStreamResponse> {
        @Override
        public void onMessage(AppendStreamResponse response) {
            answer(response);
            if (--answersUntilMoreCredit == 0) {
                answersUntilMoreCredit = ANSWER_CREDIT / 2;
                call.request(ANSWER_CREDIT / 2);
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            end(status.isOk()
                    ? new ServerUnavailableException(errors.address(), "the server ended the append stream", null)
                    : errors.fromStatus(status, trailers, deadline));
            ended.complete(null);
            onEnd.accept(SharedAppendStream.this);
        }
    }
}
