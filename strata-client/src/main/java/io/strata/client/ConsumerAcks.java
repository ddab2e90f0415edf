package io.strata.client;

import io.strata.protocol.GroupsProtoMapping;
import io.strata.protocol.v1.ConsumeRequest;
import io.strata.protocol.v1.Nack;
import io.strata.protocol.v1.NackAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The acks, nacks, give-backs and credits of one {@link ConsumerSession}, gathered into one {@code ConsumeRequest}
 * and sent by a flusher thread of their own: when {@code maxBatch} are pending, or when the oldest has
 * waited {@code maxDelay}, whichever comes first, and once more when the session finishes.
 *
 * <p>Design note: under per-stream ordering the next event of a stream is deliverable only once the
 * server has the ack of the previous one, so the delay is paid per event of a stream; across streams
 * it is hidden by the consumer's prefetch (credits). Batching saves a request and a gRPC message per
 * ack; see {@link GroupConsumer}'s design note for what was measured.
 *
 * <p>Every finished message also gives its credit back, in the same request: the server may send one
 * more message for each message the consumer is done with.
 *
 * <p>Thread-safe: handlers add from any thread; only the flusher sends.
 */
final class ConsumerAcks {
    private final int maxBatch;
    private final long maxDelayNanos;
    private final Consumer<ConsumeRequest> sender;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    // Guarded by lock:
    private List<String> acks = new ArrayList<>();
    private final Map<Duration, List<String>> retries = new LinkedHashMap<>();
    private List<String> givenBack = new ArrayList<>();
    private int credits;
    private int pending;
    private long firstPendingAt;
    private boolean finishing;
    private boolean stopped;

    private final Thread flusher;

    ConsumerAcks(int maxBatch, Duration maxDelay, Consumer<ConsumeRequest> sender) {
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.sender = sender;
        this.flusher = Thread.ofVirtual().name("strata-consumer-acks").unstarted(this::flushLoop);
    }

    void start() {
        flusher.start();
    }

    /** The message was handled: ack it, and give its credit back. */
    void ack(String ackId) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            acks.add(ackId);
            credits++;
            added();
        } finally {
            lock.unlock();
        }
    }

    /** The handler failed: retry the message after {@code delay}, and give its credit back. */
    void retry(String ackId, Duration delay) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            retries.computeIfAbsent(delay, d -> new ArrayList<>()).add(ackId);
            credits++;
            added();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The consumer stops and never started this message: the server makes it deliverable again without
     * counting this delivery. No credit goes back: the consumer takes no more messages.
     */
    void giveBack(String ackId) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            givenBack.add(ackId);
            added();
        } finally {
            lock.unlock();
        }
    }

    /** The message was dropped unhandled (its lease had passed): only its credit goes back. */
    void credit() {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            credits++;
            added();
        } finally {
            lock.unlock();
        }
    }

    private void added() {
        pending++;
        if (pending == 1) {
            firstPendingAt = System.nanoTime();
            wake.signal(); // the flusher starts the delay now
        } else if (pending == maxBatch) {
            wake.signal();
        }
    }

    /** Sends what is pending, then returns; nothing is sent after this. Waits for the flusher. */
    void finish() throws InterruptedException {
        lock.lock();
        try {
            finishing = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        flusher.join();
    }

    /** Drops what is pending (the session is gone) and stops the flusher. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    private void flushLoop() {
        while (true) {
            ConsumeRequest request;
            boolean last;
            lock.lock();
            try {
                while (!stopped && !finishing && !due()) {
                    if (pending == 0) {
                        wake.await();
                    } else {
                        wake.awaitNanos(firstPendingAt + maxDelayNanos - System.nanoTime());
                    }
                }
                if (stopped) {
                    return;
                }
                last = finishing;
                request = pending == 0 ? null : take();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (request != null) {
                sender.accept(request);
            }
            if (last) {
                return;
            }
        }
    }

    private boolean due() {
        return pending >= maxBatch || (pending > 0 && System.nanoTime() - firstPendingAt >= maxDelayNanos);
    }

    /** The pending acks, nacks and credits as one request. Holds the lock. */
    private ConsumeRequest take() {
        ConsumeRequest.Builder request = ConsumeRequest.newBuilder().addAllAckIds(acks).setCredits(credits);
        for (Map.Entry<Duration, List<String>> retry : retries.entrySet()) {
            request.addNacks(Nack.newBuilder()
                    .addAllAckIds(retry.getValue())
                    .setAction(NackAction.RETRY)
                    .setDelay(GroupsProtoMapping.toProto(retry.getKey())));
        }
        request.addAllGiveBackAckIds(givenBack);
        acks = new ArrayList<>(Math.max(16, acks.size()));
        givenBack = new ArrayList<>();
        retries.clear();
        credits = 0;
        pending = 0;
        return request.build();
    }
}
