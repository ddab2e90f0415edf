package io.strata.server.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.core.AppendResult;
import io.strata.core.EventStore;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.protocol.ProtoErrors;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.AppendStreamResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One {@code AppendStream} call: pipelined appends, applied in the order they arrive, each answered with
 * its correlation id, with a failed append answered in-band so that the call goes on.
 *
 * <pre>
 *   client ──request(all free room)──► onNext ──appendAsync──► writer (group commit)
 *                                                                │ future completes
 *   client ◄──onNext(answer)── drain (one thread at a time) ◄────┘ outcomes queue
 *             └─ answered: room frees up ─► request(room) again
 * </pre>
 *
 * <p>Backpressure: the call asks gRPC for as many requests as it has room for (manual inbound flow
 * control), not one at a time: at most {@code maxInFlight} appends read and not yet answered, and, in
 * bytes, as many more as fit under {@code maxInFlightBytes} at the size of the largest request the call
 * has sent so far (one at a time until the first has come; always one when nothing is in flight). It asks
 * only while the client takes its answers ({@code isReady()}). A client that sends faster than the store
 * writes, or that never reads its answers, is held back by HTTP/2 flow control instead of growing the
 * server's memory: about {@code maxInFlight} appends and {@code maxInFlightBytes} are held per call, plus
 * one request. (A client whose requests suddenly grow past every earlier one can overshoot by the
 * requests already asked for.)
 *
 * <p>Design note: asking for one request at a time, and for the next only once the last was handled,
 * cost a round trip between the transport's thread and ours per append. Measured with 64 threads sharing
 * the client's two streams (W2 shape, durability fsync, client and server in one JVM on this 2-core
 * machine, CPU of the whole process per append, six interleaved rounds at load average 4-14): one at a
 * time 64.9, 81.1, 80.3, 51.2, 60.4, 62.7 µs per append; all the free room at once 51.4, 42.5, 41.6,
 * 51.8, 48.2, 46.9 µs, and 27-34 K appends/s against 33-35 K in the last three rounds.
 *
 * <p>Ending: after the client half-closes, the call completes once every append it sent is answered.
 * When the server shuts down, appends already read are applied and answered, later ones are answered
 * {@code unavailable} without being applied, and the call ends {@code UNAVAILABLE}.
 *
 * <p>Threads: gRPC delivers the request callbacks one at a time; appends complete on the store's writer
 * thread, which only queues the outcome (answer messages are built in {@link #drain}, off the writer's
 * path); every send to the call happens in {@link #drain}, on one thread at a time, because the call's
 * observer is not thread-safe. The in-flight counters are guarded by this object's monitor, held for a few
 * field updates only.
 */
final class AppendStreamCall implements StreamObserver<AppendRequest> {
    private final EventStore store;
    private final ServerCallStreamObserver<AppendStreamResponse> call;
    private final Executor executor;
    private final int maxInFlight;
    private final long maxInFlightBytes;
    private final AppendStreamStats stats;
    private final Consumer<AppendStreamCall> onEnd;

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainRequests = new AtomicInteger();
    // Guarded by this:
    /** Appends read and not yet answered. */
    private int inFlight;
    private long inFlightBytes;
    /** Requests asked of gRPC and not yet delivered. */
    private int requested;
    /** The largest request read so far; 0 before the first. */
    private int largestRequestBytes;

    private volatile boolean halfClosed;
    private volatile boolean cancelled;
    private volatile boolean stopping;
    private volatile StatusRuntimeException failure;
    // Only touched inside drain:
    private boolean finished;

    /** How one append ended, as the writer thread left it: the answer message is built by drain. */
    private record Outcome(long correlationId, int bytes, AppendResult result, Throwable error) {
    }

    AppendStreamCall(EventStore store, ServerCallStreamObserver<AppendStreamResponse> call, Executor executor,
                     GrpcLimits limits, AppendStreamStats stats, Consumer<AppendStreamCall> onEnd) {
        this.store = store;
        this.call = call;
        this.executor = executor;
        this.maxInFlight = limits.appendsInFlight();
        this.maxInFlightBytes = limits.appendBytesInFlight();
        this.stats = stats;
        this.onEnd = onEnd;
        // Must happen before the service method returns.
        call.disableAutoRequest();
        call.setOnReadyHandler(this::drain);
        call.setOnCancelHandler(() -> {
            cancelled = true;
            drain();
        });
        askForMore();
    }

    @Override
    public void onNext(AppendRequest request) {
        int bytes = request.getSerializedSize();
        int inFlightNow;
        boolean wasIdle;
        synchronized (this) {
            requested--;
            wasIdle = inFlight == 0;
            inFlightNow = ++inFlight;
            inFlightBytes += bytes;
            largestRequestBytes = Math.max(largestRequestBytes, bytes);
        }
        stats.read(inFlightNow);
        apply(request, bytes);
        if (wasIdle) {
            askForMore(); // the first request tells its size, and an idle call may have asked for one only
        }
    }

    @Override
    public void onError(Throwable t) {
        // The client cancelled or the connection broke: nothing more can be sent.
        cancelled = true;
        drain();
    }

    @Override
    public void onCompleted() {
        halfClosed = true;
        drain();
    }

    /** The server is shutting down: answer what was read, then end the call {@code UNAVAILABLE}. */
    void stop() {
        stopping = true;
        drain();
    }

    // ---- reading

    private void apply(AppendRequest request, int bytes) {
        long correlationId = request.getCorrelationId();
        if (stopping) {
            queue(new Outcome(correlationId, bytes, null,
                    new StoreUnavailableException("the server is shutting down; this append was not applied")));
            return;
        }
        CompletableFuture<AppendResult> appended;
        try {
            appended = store.appendAsync(request.getStream(), ProtoMapping.fromProto(request.getExpectedRevision()),
                    ProtoMapping.fromProto(request.getEventsList()));
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        // Completes on the writer thread: only queue the outcome there.
        appended.whenComplete((result, error) -> queue(new Outcome(correlationId, bytes, result, error)));
    }

    private void queue(Outcome outcome) {
        outcomes.add(outcome);
        drain();
    }

    /**
     * Asks gRPC for as many requests as there is room for, if the client takes its answers: room by count,
     * and by bytes at the largest request seen (one while none was seen, and always one when nothing is in
     * flight), less the requests asked for that have not come yet.
     */
    private void askForMore() {
        if (stopping || halfClosed || cancelled || failure != null || !call.isReady()) {
            return;
        }
        int ask;
        synchronized (this) {
            long room;
            if (largestRequestBytes == 0) {
                room = 1;
            } else {
                long byBytes = (maxInFlightBytes - inFlightBytes) / largestRequestBytes;
                room = Math.max(Math.min(maxInFlight - inFlight, byBytes), inFlight == 0 ? 1 : 0);
            }
            ask = (int) Math.min(Integer.MAX_VALUE, room) - requested;
            if (ask <= 0) {
                return;
            }
            requested += ask;
        }
        stats.asked(ask);
        call.request(ask);
    }

    // ---- sending: one thread at a time

    private void drain() {
        if (drainRequests.getAndIncrement() == 0) {
            executor.execute(this::drainLoop);
        }
    }

    private void drainLoop() {
        int missed = 1;
        do {
            sendAnswers();
            missed = drainRequests.addAndGet(-missed);
        } while (missed != 0);
    }

    private void sendAnswers() {
        if (finished) {
            outcomes.clear();
            return;
        }
        Outcome outcome;
        int answered = 0;
        long answeredBytes = 0;
        while ((outcome = outcomes.poll()) != null) {
            if (!cancelled && failure == null) {
                AppendStreamResponse answer = answerTo(outcome);
                if (answer != null) {
                    call.onNext(answer);
                }
            }
            answered++;
            answeredBytes += outcome.bytes();
        }
        int inFlightNow;
        synchronized (this) {
            inFlight -= answered;
            inFlightBytes -= answeredBytes;
            inFlightNow = inFlight;
        }
        if (cancelled) {
            finish();
        } else if (failure != null) {
            finish();
            call.onError(failure);
        } else if (halfClosed && inFlightNow == 0) {
            // halfClosed is read first: every request the client sent was read before it, so none is missed.
            finish();
            call.onCompleted();
        } else if (stopping && inFlightNow == 0) {
            finish();
            call.onError(GrpcErrors.shuttingDown());
        } else {
            askForMore();
        }
    }

    /** The answer to one append; null when it failed with a bug of ours, which ends the call INTERNAL. */
    private AppendStreamResponse answerTo(Outcome outcome) {
        AppendStreamResponse.Builder response = AppendStreamResponse.newBuilder().setCorrelationId(outcome.correlationId());
        if (outcome.error() == null) {
            return response.setResult(ProtoMapping.toProto(outcome.result())).build();
        }
        if (GrpcErrors.unwrap(outcome.error()) instanceof StrataException strata) {
            return response.setError(ProtoErrors.toProto(strata)).build();
        }
        failure = GrpcErrors.toStatus(outcome.error()); // not the client's fault: end the call INTERNAL
        return null;
    }

    private void finish() {
        finished = true;
        outcomes.clear();
        onEnd.accept(this);
    }
}
