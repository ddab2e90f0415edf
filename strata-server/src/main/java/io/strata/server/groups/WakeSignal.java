package io.strata.server.groups;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A wake-up for one waiting thread that is never lost: a signal given before the wait makes the wait
 * return at once. Signals do not count: many signals before one wait wake it once.
 */
final class WakeSignal {
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Thread waiter;

    void signal() {
        if (pending.compareAndSet(false, true)) {
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Waits until signalled or {@code nanos} passed; returns whether it was signalled. Only one thread may wait. */
    boolean await(long nanos) {
        waiter = Thread.currentThread();
        try {
            long deadline = System.nanoTime() + nanos;
            while (!pending.getAndSet(false)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
                    return false;
                }
                LockSupport.parkNanos(this, remaining);
            }
            return true;
        } finally {
            waiter = null;
        }
    }
}
