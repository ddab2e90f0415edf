package io.strata.storage;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A thread of the engine's own beside the writer ({@link Syncer}, {@link Checkpointer}, {@link SpareSegment}):
 * it waits on one lock and condition for work, and stops once {@link #closing} is set and it has finished
 * what it must.
 */
abstract class EngineThread implements Runnable {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    /** Guarded by lock: set by {@link #close}; the thread ends when it sees it. */
    boolean closing;
    private final Thread thread;

    EngineThread(String name) {
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Sets {@link #closing}, wakes the thread (which finishes what it must first) and waits until it has
     * ended, even if the caller is interrupted meanwhile (its interrupt status is set again afterwards):
     * the thread may hold files and unanswered appends, and the store closes its files next.
     */
    void close() {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        joinUninterruptibly(thread);
    }

    /** Waits until {@code thread} has ended, even if the caller is interrupted (its status is set again after). */
    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
