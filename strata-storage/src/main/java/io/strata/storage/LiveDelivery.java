package io.strata.storage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that hands live events to every caught-up subscription whose listener takes them without
 * blocking ({@link io.strata.core.NonBlockingListener}). A commit wakes this thread once; it reads on
 * each member's own source (recent events come from {@link RecentEvents}, decoded once) and offers them.
 *
 * <pre>
 *  subscription's thread:  history … caught up ── join ──► parked ◄──────────── handed back ──┐
 *                                                   │                                          │
 *  live delivery thread:   commit ─► for each member: next page of its source ─► offer(event) │
 *                                                                      └─ refused / threw ─────┘
 * </pre>
 *
 * <p>A member whose listener refuses an event goes back to its own thread with that event and the rest
 * of the page, which it delivers through {@code onEvent} (which may wait) before it reads on and joins
 * again; so a slow listener slows only itself. At most one page per member per round, so a member that
 * is far behind does not hold up the others.
 *
 * <p>Why: with 100 subscribers at 10,000 events/s (W6 embedded), a virtual thread woken per subscriber
 * per commit cost ~1.4 cores of this 2-core machine; see ADR 0013 for what one thread costs instead.
 *
 * <p>Threads: {@link #join} from subscription threads; everything else on this thread. Started at the
 * first join, so a store with no such subscriber never has it.
 */
final class LiveDelivery implements Runnable {
    private final StoreState state;
    private final ConcurrentLinkedQueue<EmbeddedSubscription> joining = new ConcurrentLinkedQueue<>();
    /** This thread only. */
    private final List<EmbeddedSubscription> members = new ArrayList<>();
    private volatile boolean closing;
    private Thread thread; // guarded by this

    LiveDelivery(StoreState state) {
        this.state = state;
    }

    /** {@code subscription} is at the head and its listener takes live events: deliver them from here. */
    synchronized void join(EmbeddedSubscription subscription) {
        if (closing) {
            subscription.leaveLive(); // the store is closing: its own thread ends it
            return;
        }
        joining.add(subscription);
        if (thread == null) {
            thread = new Thread(this, "strata-live-delivery");
            thread.setDaemon(true);
            thread.start();
        }
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        try {
            while (!closing) {
                long head = state.committedNextPosition();
                EmbeddedSubscription joined;
                while ((joined = joining.poll()) != null) {
                    members.add(joined);
                }
                if (!deliverOneRound()) {
                    state.notifier.await(() -> !closing && joining.isEmpty() && state.committedNextPosition() == head,
                            EmbeddedSubscription.IDLE_WAIT_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            members.forEach(EmbeddedSubscription::leaveLive);
            joining.forEach(EmbeddedSubscription::leaveLive);
        }
    }

    /** One page to every member; returns whether some member has more to take now. */
    private boolean deliverOneRound() {
        boolean behind = false;
        for (Iterator<EmbeddedSubscription> it = members.iterator(); it.hasNext(); ) {
            switch (it.next().deliverLive()) {
                case LEFT -> it.remove();
                case BEHIND -> behind = true;
                case AT_HEAD -> { }
            }
        }
        return behind;
    }

    /** Stops the thread once the store has ended its subscriptions; members left go back to their own threads. */
    void close() {
        Thread current;
        synchronized (this) {
            closing = true;
            current = thread;
        }
        if (current == null) {
            return;
        }
        LockSupport.unpark(current);
        EngineThread.joinUninterruptibly(current);
    }
}
