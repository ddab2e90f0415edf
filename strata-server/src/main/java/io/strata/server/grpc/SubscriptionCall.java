package io.strata.server.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.strata.core.ErrorCode;
import io.strata.core.NonBlockingListener;
import io.strata.core.RecordedEvent;
import io.strata.core.StrataException;
import io.strata.core.Subscription;
import io.strata.protocol.ProtoErrors;
import io.strata.protocol.SubscriptionWire.Outgoing;
import io.strata.server.EncodedEvents;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One {@code SubscribeToStream} / {@code SubscribeToAll} call: the engine's subscription feeding a bounded
 * buffer, drained into the call as fast as the client's flow control lets it.
 *
 * <pre>
 *   engine subscription thread ──onEvent──► buffer (≤ N events, ≤ 4 MiB) ──drain──► call.onNext(batch) ──► client
 *   store's live delivery thread ─offer──►   │ full: refused, so it comes again through onEvent
 *        ▲ waits while full: it reads the log,   │                  ▲ only while call.isReady();
 *        │ so waiting holds no memory           │                  │ onReady handler drains again
 *        └── full for the stall timeout: the call ends RESOURCE_EXHAUSTED (overloaded)
 * </pre>
 *
 * <p>Design note: a full buffer makes the engine's thread wait rather than end the call at once. History
 * is read from the log far faster than a network takes it (and a live burst can be one 10,000-event
 * append), so ending on the first overflow would end healthy subscribers that are catching up. The
 * engine's subscription holds nothing while it waits (it reads on from the log when there is room), so
 * waiting costs no memory; only a client that takes nothing for {@code stallTimeout} is ended.
 *
 * <p>Events that queue up while the client is not ready go out together, up to {@link #MAX_BATCH_EVENTS}
 * or {@link PageReader#PAGE_BYTES}, in one message; {@code caught_up} rides on the message holding the last
 * history event (or on an empty message when there was none), exactly once.
 *
 * <p>First message: as soon as the engine's subscription is registered ({@link #attach}), the call sends an
 * empty message if it has nothing else to send yet. The client's {@code subscribe} returns on the first
 * message; without this, a filtered {@code SubscribeToAll} over a long log with no match sent nothing until
 * its scan of the history ended, and the client's subscribe ran into its deadline.
 *
 * <p>Threads: the engine's threads call the listener methods (history and refused live events through
 * {@code onEvent} on the subscription's own thread, which may wait; live events through {@link #offer} on
 * the store's shared live delivery thread, which never waits); gRPC's callbacks (ready, cancel) and
 * {@link #end} come from others. Every send to the call happens in {@link #drain}, which runs on one
 * thread at a time (a work-in-progress counter), because the call's observer is not thread-safe.
 */
final class SubscriptionCall implements NonBlockingListener {
    /** Buffered bytes (data + metadata) that make the buffer full, whatever the event count. */
    static final long MAX_BUFFER_BYTES = 4L << 20;
    /** Events in one message; a batch of small events is also cut at the page byte budget. */
    static final int MAX_BATCH_EVENTS = 1_000;
    private static final Object CAUGHT_UP = new Object();
    /** The first message when there is nothing else to send yet: no events, not caught up. */
    private static final Outgoing SUBSCRIBED = new Outgoing(List.of(), false);

    private final ServerCallStreamObserver<Outgoing> call;
    private final Executor executor;
    private final EncodedEvents<byte[]> encodedEvents;
    private final int bufferEvents;
    private final long stallNanos;
    private final Consumer<SubscriptionCall> onEnd;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    // Guarded by lock:
    private final ArrayDeque<Object> buffer = new ArrayDeque<>();
    private int bufferedEvents;
    private long bufferedBytes;
    private StatusRuntimeException ending;
    // Only touched inside drain:
    private boolean finished;
    private boolean sentAny;

    private final AtomicInteger drainRequests = new AtomicInteger();
    private volatile Subscription subscription;
    /** The engine's subscription is registered: a first (empty) message may tell the client so. */
    private volatile boolean registered;
    private volatile boolean ended;

    SubscriptionCall(ServerCallStreamObserver<Outgoing> call, Executor executor,
                     EncodedEvents<byte[]> encodedEvents, int bufferEvents,
                     Duration stallTimeout, Consumer<SubscriptionCall> onEnd) {
        this.call = call;
        this.executor = executor;
        this.encodedEvents = encodedEvents;
        this.bufferEvents = bufferEvents;
        this.stallNanos = stallTimeout.toNanos();
        this.onEnd = onEnd;
        call.setOnReadyHandler(this::drain);
        call.setOnCancelHandler(this::cancelled);
    }

    /** The engine's subscription feeding this call; closed when the call ends. */
    void attach(Subscription subscription) {
        this.subscription = subscription;
        if (ended) {
            subscription.close();
            return;
        }
        registered = true;
        drain(); // sends the first message now, even if the history holds nothing for this subscriber
    }

    // ---- listener: the engine's subscription thread

    @Override
    public void onEvent(RecordedEvent event) {
        lock.lock();
        try {
            long waitNanos = stallNanos;
            while (!ended && isFull()) {
                if (waitNanos <= 0) {
                    endLocked(ProtoErrors.toStatus(new StrataException(ErrorCode.OVERLOADED,
                            "the subscriber took nothing for " + TimeUnit.NANOSECONDS.toMillis(stallNanos)
                                    + " ms with " + bufferedEvents + " events waiting; resubscribe from the last event received")));
                    break;
                }
                waitNanos = notFull.awaitNanos(waitNanos);
            }
            if (ended) {
                return;
            }
            bufferLocked(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endLocked(GrpcErrors.shuttingDown());
        } finally {
            lock.unlock();
        }
        drain();
    }

    /**
     * A live event from the store's shared delivery thread: buffered if there is room, else refused (it
     * comes again through {@link #onEvent} on the subscription's own thread, which waits for room).
     *
     * <p>Design note: sending from the delivery thread itself (instead of a drain task) made that one thread
     * W6's bottleneck: 100 gRPC sends per event, p50 5.7-7.6 s (2026-11-29, `./strata bench W6 --target
     * strata-grpc`).
     */
    @Override
    public boolean offer(RecordedEvent event) {
        lock.lock();
        try {
            if (ended) {
                return true; // the call is over: nothing more is sent
            }
            if (isFull()) {
                return false;
            }
            bufferLocked(event);
        } finally {
            lock.unlock();
        }
        drain();
        return true;
    }

    @Override
    public void onCaughtUp() {
        lock.lock();
        try {
            if (!ended) {
                buffer.add(CAUGHT_UP); // no bytes: may go one over the event bound
            }
        } finally {
            lock.unlock();
        }
        drain();
    }

    @Override
    public void onError(Throwable error) {
        end(GrpcErrors.toStatus(error));
    }

    private void bufferLocked(RecordedEvent event) {
        buffer.add(event);
        bufferedEvents++;
        bufferedBytes += bytesOf(event);
    }

    private static long bytesOf(RecordedEvent event) {
        return (long) event.data().length + event.metadata().length;
    }

    private boolean isFull() {
        return bufferedEvents >= bufferEvents || bufferedBytes >= MAX_BUFFER_BYTES;
    }

    // ---- ending

    /** Ends the call with {@code status} (dropping what is buffered) and closes the engine's subscription. */
    void end(StatusRuntimeException status) {
        lock.lock();
        try {
            endLocked(status);
        } finally {
            lock.unlock();
        }
    }

    private void endLocked(StatusRuntimeException status) {
        if (ended) {
            return;
        }
        ended = true;
        ending = status;
        buffer.clear();
        bufferedEvents = 0;
        bufferedBytes = 0;
        notFull.signalAll();
        // Off this thread: closing the engine's subscription waits for its thread, which may be this one.
        executor.execute(this::release);
        drain();
    }

    private void cancelled() {
        end(null);
    }

    private void release() {
        Subscription current = subscription;
        if (current != null) {
            current.close();
        }
        onEnd.accept(this);
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
            sendWhatTheClientTakes();
            missed = drainRequests.addAndGet(-missed);
        } while (missed != 0);
    }

    private void sendWhatTheClientTakes() {
        while (!finished) {
            Outgoing message;
            StatusRuntimeException end;
            lock.lock();
            try {
                end = ending;
                if (end == null && !call.isReady()) {
                    return;
                }
                if (end != null) {
                    message = null;
                } else if (!buffer.isEmpty()) {
                    message = takeBatch();
                } else if (registered && !sentAny) {
                    message = SUBSCRIBED;
                } else {
                    return;
                }
            } finally {
                lock.unlock();
            }
            if (end != null) {
                finished = true;
                if (!call.isCancelled()) {
                    call.onError(end);
                }
                return;
            }
            sentAny = true;
            call.onNext(message);
        }
    }

    /** The events at the head of the buffer, up to and including the caught-up mark. Holds the lock. */
    private Outgoing takeBatch() {
        List<byte[]> events = new ArrayList<>(Math.min(buffer.size(), MAX_BATCH_EVENTS));
        boolean caughtUp = false;
        long bytes = 0;
        while (!buffer.isEmpty() && events.size() < MAX_BATCH_EVENTS) {
            Object next = buffer.peek();
            if (next == CAUGHT_UP) {
                buffer.poll();
                caughtUp = true;
                break; // what follows is live
            }
            RecordedEvent event = (RecordedEvent) next;
            byte[] encoded = encodedEvents.of(event);
            int size = Outgoing.fieldBytes(encoded);
            if (!events.isEmpty() && bytes + size > PageReader.PAGE_BYTES) {
                break;
            }
            buffer.poll();
            bufferedEvents--;
            bufferedBytes -= bytesOf(event);
            bytes += size;
            events.add(encoded);
        }
        notFull.signalAll();
        return new Outgoing(events, caughtUp);
    }
}
