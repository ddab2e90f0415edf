package io.strata.server.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.core.InvalidRequestException;
import io.strata.core.StrataException;
import io.strata.protocol.v1.ConsumeRequest;
import io.strata.protocol.v1.ConsumeResponse;
import io.strata.protocol.v1.ConsumeStart;
import io.strata.protocol.v1.GroupMessage;
import io.strata.protocol.v1.Nack;
import io.strata.server.groups.ConsumerGroup;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.groups.Message;
import io.strata.server.groups.NackAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One {@code Consume} call: a consumer's session on a group. The client grants credits and sends acks
 * and nacks; a delivery loop of the call's own leases messages from the group and sends them, never
 * more than the credits granted.
 *
 * <pre>
 *   client ──{start, credits, ack_ids, nacks, drain}──► onNext (gRPC's callback thread, one at a time)
 *                                                        │ group.ack / group.nack, credits += k
 *                                                        ▼ signal
 *   delivery loop (a virtual thread of this call):  wait until credits &gt; 0 and the transport is ready
 *       ──► group.fetch(consumer, min(credits, 1,000), 5 s)   (a long poll; interrupted when the call stops)
 *       ──► credits -= n, ackIds into "unfinished" ──► send, in messages of ≤ 4 MiB ──► client
 * </pre>
 *
 * <p>Flow control: messages are leased only against credits and only while the transport is ready,
 * and what one fetch leased is sent at once, so the call holds at most one fetch (≤ 1,000 messages,
 * whose events the group holds anyway) beyond what HTTP/2 flow control holds. At most
 * {@value #MAX_OUTSTANDING_CREDITS} credits may be outstanding.
 *
 * <p>Ending: however the call ends (half-close, cancel, a broken connection, an error, shutdown), the
 * messages delivered on it and not acked or nacked on it are given back at once with a nack
 * {@code retry} without delay, so that a consumer that vanished does not hold its streams for the
 * group's ack timeout. A message leased while the call ended is given back the same way.
 *
 * <p>Design note: the delivery loop blocks in {@link ConsumerGroup#fetch} on a virtual thread, so a
 * thousand idle consumers cost a thousand parked virtual threads, not platform threads. Stopping it
 * interrupts that thread: the fetch returns what it has (nothing, if it was waiting) at once, so a
 * closing call neither waits for the poll to time out nor leases messages nobody will take.
 *
 * <p>Threads: gRPC delivers {@link #onNext} and the other callbacks one at a time; the delivery loop
 * runs on its own thread; {@link #end} may come from either, or from shutdown. Every send to the call
 * goes through {@link #send} (the call's observer is not thread-safe).
 */
final class ConsumeCall implements StreamObserver<ConsumeRequest> {
    /** Credits granted and not yet used, at most: as many messages as a group holds by default. */
    static final int MAX_OUTSTANDING_CREDITS = 10_000;
    /** How long one fetch of the delivery loop waits before it looks again (stopping interrupts it). */
    private static final Duration FETCH_WAIT = Duration.ofSeconds(5);
    /** How long ending waits for the interrupted delivery loop to exit (it takes microseconds). */
    private static final Duration DELIVERER_EXIT_WAIT = Duration.ofSeconds(5);

    private final ConsumerGroups groups;
    private final ServerCallStreamObserver<ConsumeResponse> call;
    private final Consumer<ConsumeCall> onEnd;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition canSend = lock.newCondition();
    // Guarded by lock:
    private long credits;
    private boolean delivering = true;
    private boolean ended;
    private final Set<String> unfinished = new HashSet<>();

    private volatile ConsumerGroup group;
    private volatile String consumer;
    private volatile Thread deliverer;

    private final Object sendLock = new Object();
    // Guarded by sendLock:
    private boolean closed;

    ConsumeCall(ConsumerGroups groups, ServerCallStreamObserver<ConsumeResponse> call, Consumer<ConsumeCall> onEnd) {
        this.groups = groups;
        this.call = call;
        this.onEnd = onEnd;
        // Must happen before the service method returns.
        call.setOnReadyHandler(this::signal);
        call.setOnCancelHandler(() -> end(null));
        // Also when the call was closed from outside this class (MalformedMessageGuard answering a request
        // that does not parse): the delivery loop must not go on leasing messages for a closed call.
        call.setOnCloseHandler(() -> end(null));
    }

    // ---- what the client sends: gRPC's callback thread, one at a time

    @Override
    public void onNext(ConsumeRequest request) {
        try {
            if (group == null) {
                begin(request);
            } else if (request.hasStart()) {
                throw new InvalidRequestException("only the first message of a Consume call carries start");
            }
            apply(request);
        } catch (RuntimeException e) {
            end(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void onError(Throwable t) {
        end(null); // the client cancelled or the connection broke: nothing more can be sent
    }

    @Override
    public void onCompleted() {
        close(null, true); // every ack and nack the client sent was applied before this
    }

    private void begin(ConsumeRequest request) {
        if (!request.hasStart()) {
            throw new InvalidRequestException("the first message of a Consume call names the group and the consumer (start)");
        }
        ConsumeStart start = request.getStart();
        checkConsumer(start.getConsumer());
        ConsumerGroup found = groups.get(start.getGroup());
        consumer = start.getConsumer();
        group = found;
        send(ConsumeResponse.newBuilder().setStarted(true).build());
        Thread loop = Thread.ofVirtual().name("strata-grpc-consume").unstarted(this::deliver);
        deliverer = loop;
        loop.start();
    }

    private void apply(ConsumeRequest request) {
        ConsumerGroup current = group;
        if (request.getAckIdsCount() > 0) {
            List<String> ackIds = request.getAckIdsList();
            current.ack(ackIds);
            finished(ackIds);
        }
        for (Nack nack : request.getNacksList()) {
            NackAction action = GroupsMapping.fromProto(nack.getAction());
            Duration delay = GroupsMapping.durationOrZero(nack.hasDelay(), nack.getDelay(), "delay");
            current.nack(nack.getAckIdsList(), action, delay);
            finished(nack.getAckIdsList());
        }
        if (request.getGiveBackAckIdsCount() > 0) {
            current.giveBack(request.getGiveBackAckIdsList());
            finished(request.getGiveBackAckIdsList());
        }
        if (request.getCredits() != 0) {
            grant(Integer.toUnsignedLong(request.getCredits()));
        }
        if (request.getDrain()) {
            stopDelivering();
        }
    }

    private void finished(List<String> ackIds) {
        lock.lock();
        try {
            ackIds.forEach(unfinished::remove);
        } finally {
            lock.unlock();
        }
    }

    private void grant(long more) {
        lock.lock();
        try {
            if (credits + more > MAX_OUTSTANDING_CREDITS) {
                throw new InvalidRequestException("at most " + MAX_OUTSTANDING_CREDITS + " credits may be outstanding on a Consume call; "
                        + credits + " were, and " + more + " more were granted");
            }
            credits += more;
            canSend.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            canSend.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the delivery loop: its own virtual thread

    private void deliver() {
        try {
            while (true) {
                int max;
                lock.lock();
                try {
                    while (delivering && (credits == 0 || !call.isReady())) {
                        canSend.await();
                    }
                    if (!delivering) {
                        return;
                    }
                    max = (int) Math.min(credits, ConsumerGroup.MAX_FETCH);
                } finally {
                    lock.unlock();
                }
                List<Message> leased = group.fetch(consumer, max, FETCH_WAIT);
                if (!leased.isEmpty() && !sendLeased(leased)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stopping: end() or stopDelivering() interrupted the wait
        } catch (RuntimeException e) {
            end(GrpcErrors.toStatus(e));
        }
    }

    /** Sends what one fetch leased; false (having given it back) when the call stopped delivering meanwhile. */
    private boolean sendLeased(List<Message> leased) {
        lock.lock();
        try {
            if (!delivering) {
                giveBackLater(leased);
                return false;
            }
            credits -= leased.size();
            for (Message message : leased) {
                unfinished.add(message.ackId());
            }
        } finally {
            lock.unlock();
        }
        ConsumeResponse.Builder batch = ConsumeResponse.newBuilder();
        long bytes = 0;
        for (Message message : leased) {
            GroupMessage proto = GroupsMapping.toProto(message);
            int size = proto.getSerializedSize() + 6; // field tag and length
            if (batch.getMessagesCount() > 0 && bytes + size > PageReader.PAGE_BYTES) {
                send(batch.build());
                batch = ConsumeResponse.newBuilder();
                bytes = 0;
            }
            batch.addMessages(proto);
            bytes += size;
        }
        send(batch.build());
        return true;
    }

    private void giveBackLater(List<Message> leased) {
        List<String> ackIds = new ArrayList<>(leased.size());
        for (Message message : leased) {
            ackIds.add(message.ackId());
        }
        Thread.interrupted(); // the interrupt that stopped us has done its work
        giveBack(ackIds);
    }

    // ---- ending

    /** Drain: no more messages on this call; acks and nacks are still applied. */
    private void stopDelivering() {
        lock.lock();
        try {
            delivering = false;
            canSend.signalAll();
        } finally {
            lock.unlock();
        }
        interruptDeliverer();
    }

    /** The server is shutting down: the call ends {@code UNAVAILABLE}. */
    void shutDown() {
        end(GrpcErrors.shuttingDown());
    }

    /** Ends the call with {@code error} ({@code null}: the client cancelled, nothing can be sent). */
    private void end(StatusRuntimeException error) {
        close(error, false);
    }

    /**
     * Ends the call once: stops the delivery loop, gives back what was delivered and not finished, then
     * closes the call: OK when {@code completed}, else with {@code error} unless it is null.
     */
    private void close(StatusRuntimeException error, boolean completed) {
        List<String> giveBack;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            delivering = false;
            canSend.signalAll();
            giveBack = new ArrayList<>(unfinished);
            unfinished.clear();
        } finally {
            lock.unlock();
        }
        interruptDeliverer();
        // Before giving back: a delivery loop still in its fetch would be woken by the give-back and lease
        // the same messages again (one more delivery each) before it saw the interrupt.
        awaitDeliverer();
        giveBack(giveBack);
        synchronized (sendLock) {
            if (!closed) {
                closed = true;
                if (completed) {
                    call.onCompleted();
                } else if (error != null && !call.isCancelled()) {
                    call.onError(error);
                }
            }
        }
        onEnd.accept(this);
    }

    private void interruptDeliverer() {
        Thread loop = deliverer;
        if (loop != null && loop != Thread.currentThread()) {
            loop.interrupt();
        }
    }

    private void awaitDeliverer() {
        Thread loop = deliverer;
        if (loop == null || loop == Thread.currentThread()) {
            return;
        }
        try {
            loop.join(DELIVERER_EXIT_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A nack retry without delay: the messages go to the next consumer that fetches. */
    private void giveBack(Collection<String> ackIds) {
        ConsumerGroup current = group;
        if (ackIds.isEmpty() || current == null) {
            return;
        }
        List<String> all = List.copyOf(ackIds);
        try {
            for (int from = 0; from < all.size(); from += ConsumerGroup.MAX_ACK_IDS) {
                current.nack(all.subList(from, Math.min(all.size(), from + ConsumerGroup.MAX_ACK_IDS)), NackAction.RETRY, Duration.ZERO);
            }
        } catch (StrataException e) {
            // The group was deleted or the registry closed: nothing to give back to.
        }
    }

    private void send(ConsumeResponse response) {
        synchronized (sendLock) {
            if (!closed) {
                call.onNext(response);
            }
        }
    }

    /** The core's rule for consumer names, checked before the call starts rather than at its first fetch. */
    private static void checkConsumer(String consumer) {
        if (consumer.isEmpty() || consumer.length() > ConsumerGroup.MAX_CONSUMER_NAME) {
            throw new InvalidRequestException("consumer must be a name of 1 to " + ConsumerGroup.MAX_CONSUMER_NAME
                    + " characters, got " + consumer.length() + " characters");
        }
        for (int i = 0; i < consumer.length(); i++) {
            if (Character.isISOControl(consumer.charAt(i))) {
                throw new InvalidRequestException("consumer name must not contain control characters (index " + i + ")");
            }
        }
    }
}
