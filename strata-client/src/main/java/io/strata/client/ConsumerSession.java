package io.strata.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.protocol.v1.ConsumeRequest;
import io.strata.protocol.v1.ConsumeResponse;
import io.strata.protocol.v1.ConsumeStart;
import io.strata.protocol.v1.ConsumerGroupsGrpc;
import io.strata.protocol.v1.GroupMessage;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code Consume} call of a {@link GroupConsumer}: from the server, messages into the consumer's
 * inbox; to it, the {@link ConsumerAcks} batches, a drain and the half-close. A broken connection ends
 * the session; the consumer opens a new one.
 *
 * <p>Flow control: the server sends no more messages than the credits granted (the prefetch at start,
 * then one back per finished message), so the inbox holds at most the prefetch. The other way, the
 * acks' flusher sends only while the transport is ready: what waits meanwhile is bounded by the
 * messages in hand.
 *
 * <p>Threads: the call's callbacks run on the network's event loop (they only map and hand over, never
 * block), and sends are serialised by a lock, because a {@link ClientCall} is not thread-safe.
 */
final class ConsumerSession extends ClientCall.Listener<ConsumeResponse> {
    /** Where a session's messages go. */
    interface Inbox {
        void deliver(ConsumerMessage message, ConsumerSession from);
    }

    private final ClientCall<ConsumeRequest, ConsumeResponse> call;
    private final Inbox inbox;
    private final ClientErrors errors;
    private final Duration deadline;
    private final ConsumerAcks acks;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    /** Completes when the call ends: normally when the server ended it OK, else with what ended it. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private final ReentrantLock sendLock = new ReentrantLock();
    private final Condition ready = sendLock.newCondition();
    private boolean halfClosed; // guarded by sendLock

    private ConsumerSession(Channel channel, Inbox inbox, ClientErrors errors, Duration deadline, int ackBatch,
                            Duration ackDelay) {
        // Direct executor: the callbacks only map messages and queue them, so running them on the event
        // loop saves a hand-over to another thread per message.
        this.call = channel.newCall(ConsumerGroupsGrpc.getConsumeMethod(), CallOptions.DEFAULT.withExecutor(Runnable::run));
        this.inbox = inbox;
        this.errors = errors;
        this.deadline = deadline;
        this.acks = new ConsumerAcks(ackBatch, ackDelay, this::sendWhenReady);
    }

    /**
     * Starts a session and returns once the server has taken it, or throws what it refused it with
     * ({@code not_found} for an unknown group) or what the network did.
     */
    static ConsumerSession open(Channel channel, String group, String consumer, int credits, Inbox inbox,
                                ClientErrors errors, Duration deadline, int ackBatch, Duration ackDelay)
            throws InterruptedException {
        ConsumerSession session = new ConsumerSession(channel, inbox, errors, deadline, ackBatch, ackDelay);
        session.call.start(session, new Metadata());
        session.call.request(1);
        session.send(ConsumeRequest.newBuilder()
                .setStart(ConsumeStart.newBuilder().setGroup(group).setConsumer(consumer))
                .setCredits(credits)
                .build());
        try {
            session.started.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw (StrataException) e.getCause();
        } catch (TimeoutException e) {
            session.cancel("no answer within the deadline");
            throw new DeadlineExceededException(errors.address(), deadline, e);
        } catch (InterruptedException e) {
            session.cancel("interrupted while starting");
            throw e;
        }
        session.acks.start();
        return session;
    }

    ConsumerAcks acks() {
        return acks;
    }

    boolean isEnded() {
        return ended.isDone();
    }

    /**
     * Waits until the call ends; what ended it, or empty when the server ended it OK.
     */
    Optional<StrataException> awaitEnd() throws InterruptedException {
        try {
            ended.get();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of((StrataException) e.getCause());
        }
    }

    /** Asks the server to send no more messages; acks and nacks still go through. */
    void drain() {
        send(ConsumeRequest.newBuilder().setDrain(true).build());
    }

    /**
     * Sends the last acks and nacks, half-closes, and waits up to the deadline for the server to end the
     * call: once it has, every ack sent was applied. False when it did not end OK in time.
     */
    boolean finish() throws InterruptedException {
        acks.finish();
        sendLock.lock();
        try {
            if (!halfClosed && !ended.isDone()) {
                halfClosed = true;
                call.halfClose();
            }
        } finally {
            sendLock.unlock();
        }
        try {
            ended.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (TimeoutException e) {
            cancel("the server did not end the call within the deadline");
            return false;
        }
    }

    void cancel(String reason) {
        acks.stop();
        sendLock.lock();
        try {
            call.cancel(reason, null);
        } finally {
            sendLock.unlock();
        }
    }

    // ---- the call's callbacks (event loop)

    @Override
    public void onMessage(ConsumeResponse response) {
        if (response.getStarted()) {
            started.complete(null);
        }
        for (GroupMessage message : response.getMessagesList()) {
            inbox.deliver(ConsumerGroupMapping.fromProto(message), this);
        }
        call.request(1);
    }

    @Override
    public void onReady() {
        sendLock.lock();
        try {
            ready.signalAll();
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        acks.stop();
        if (status.isOk()) {
            ended.complete(null);
            started.completeExceptionally(new StoreUnavailableException("the Strata server at " + errors.address()
                    + " ended the consume call before starting it"));
        } else {
            StrataException failure = errors.fromStatus(status, trailers, deadline);
            ended.completeExceptionally(failure);
            started.completeExceptionally(failure);
        }
        onReady(); // wakes a flusher waiting for readiness
    }

    // ---- sending

    private void send(ConsumeRequest request) {
        sendLock.lock();
        try {
            if (!halfClosed && !ended.isDone()) {
                call.sendMessage(request);
            }
        } finally {
            sendLock.unlock();
        }
    }

    /** The acks' flusher: waits while the transport is not ready, so unsent acks stay bounded by the messages in hand. */
    private void sendWhenReady(ConsumeRequest request) {
        sendLock.lock();
        try {
            while (!call.isReady() && !halfClosed && !ended.isDone()) {
                ready.awaitUninterruptibly();
            }
            if (!halfClosed && !ended.isDone()) {
                call.sendMessage(request);
            }
        } finally {
            sendLock.unlock();
        }
    }
}
