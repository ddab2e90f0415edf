package io.strata.storage;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Wakes subscribers when the committed head advances.
 *
 * <p>Design note: waiters park and the writer unparks each of them. A lock with one condition made
 * every woken subscriber queue for the lock again before reading on; with 100 subscribers that queue
 * showed up as milliseconds of delivery latency in W6. Parking needs no lock, and a virtual thread
 * does not pin its carrier while parked.
 */
final class CommitNotifier {
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();

    void signalAll() {
        for (Thread waiter : waiters) {
            LockSupport.unpark(waiter);
        }
    }

    /** Waits until {@code stillWaiting} turns false, the timeout passes, or the thread is interrupted. */
    void await(BooleanSupplier stillWaiting, long timeoutMillis) throws InterruptedException {
        Thread self = Thread.currentThread();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        waiters.add(self);
        try {
            // Registered before the check: a commit after the check unparks us, so no wake-up is lost.
            while (stillWaiting.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            waiters.remove(self);
        }
    }
}
