package io.strata.storage;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes subscribers when the committed head advances. A lock and condition rather than
 * {@code synchronized}, so waiting virtual threads do not pin their carrier (JDK 21).
 */
final class CommitNotifier {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();

    void signalAll() {
        lock.lock();
        try {
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code stillWaiting} turns false or the timeout passes. */
    void await(java.util.function.BooleanSupplier stillWaiting, long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (stillWaiting.getAsBoolean() && nanos > 0) {
                nanos = advanced.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
