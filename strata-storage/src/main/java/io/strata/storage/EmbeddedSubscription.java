package io.strata.storage;

import io.strata.core.EventFilter;
import io.strata.core.NonBlockingListener;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A live subscription on its own virtual thread. It reads history and live events the same way,
 * straight from the log up to the committed head, so the switch from history to live can neither skip
 * nor repeat an event. When it reaches the head it waits for the writer's next commit; or, when its
 * listener is a {@link NonBlockingListener}, it hands its source to the store's {@link LiveDelivery},
 * which reads it on from one thread for all such subscriptions, and waits to be handed it back.
 *
 * <p>A slow listener only slows itself: nothing is buffered for it; it reads on when it is ready.
 */
final class EmbeddedSubscription implements Subscription {
    private static final int PAGE = 512;
    /** A waiter at the head looks again this often, even with no commit (the live delivery thread too). */
    static final long IDLE_WAIT_MILLIS = 1000;

    private final StoreState state;
    private final SubscriptionListener listener;
    private final Consumer<EmbeddedSubscription> onEnd;
    private final Source source;
    /** Where live events go from one shared thread, when the listener takes them so; else null. */
    private final LiveDelivery live;
    private volatile boolean active = true;
    private volatile boolean storeClosed;
    private volatile Thread thread;

    // Live delivery (LiveDelivery's thread drives source while this subscription is its member):
    /** Held while the live delivery thread delivers to this subscription, so that close can wait for it. */
    private final ReentrantLock delivering = new ReentrantLock();
    private final List<RecordedEvent> livePage = new ArrayList<>(PAGE);
    /** Set by the live delivery thread, after the two fields below, when it hands this subscription back. */
    private volatile boolean handedBack;
    private List<RecordedEvent> leftOver = List.of();
    private Throwable liveFailure;
    /** The live delivery stopped (the store is closing): wait for commits on this thread from now on. */
    private boolean liveStopped;

    /** What one round of live delivery left this subscription as. */
    enum LiveStep { AT_HEAD, BEHIND, LEFT }

    /** What the subscription reads: one page at a time from where it is. */
    private interface Source {
        /** Reads the next page into {@code out}; returns whether it reached the committed head. */
        boolean nextPage(List<RecordedEvent> out);

        /** Whether nothing new is committed beyond where this source is. */
        boolean atHead();
    }

    private EmbeddedSubscription(StoreState state, LiveDelivery live, SubscriptionListener listener,
                                 Consumer<EmbeddedSubscription> onEnd, Source source) {
        this.state = state;
        this.live = listener instanceof NonBlockingListener ? live : null;
        this.listener = listener;
        this.onEnd = onEnd;
        this.source = source;
    }

    static EmbeddedSubscription toAll(StoreState state, StoreReader reader, LiveDelivery live, long from, EventFilter filter,
                                      SubscriptionListener listener, Consumer<EmbeddedSubscription> onEnd) {
        long start = from == Long.MAX_VALUE ? state.committedNextPosition() : from;
        Source source = new Source() {
            private long next = start;
            private long address = -1;

            @Override
            public boolean nextPage(List<RecordedEvent> out) {
                long cutoff = state.committedNextPosition() - 1;
                if (next > cutoff) {
                    return true;
                }
                StoreReader.ScanResult result = reader.scanForward(next, address, PAGE, filter, cutoff, out);
                next = result.nextPosition();
                address = result.nextAddress();
                return next > cutoff;
            }

            @Override
            public boolean atHead() {
                return next >= state.committedNextPosition();
            }
        };
        return new EmbeddedSubscription(state, live, listener, onEnd, source);
    }

    static EmbeddedSubscription toStream(StoreState state, StoreReader reader, LiveDelivery live, String stream, long from,
                                         SubscriptionListener listener, Consumer<EmbeddedSubscription> onEnd) {
        byte[] name = stream.getBytes(StandardCharsets.UTF_8);
        long key = Keys.streamKey(name);
        long start = from == ReadStreamOptions.END
                ? reader.lastRevision(key, name, state.committedNextPosition() - 1) + 1 : from;
        Source source = new Source() {
            private long nextRevision = start;
            private long checkedUpTo = -1;

            @Override
            public boolean nextPage(List<RecordedEvent> out) {
                long cutoff = state.committedNextPosition() - 1;
                long last = reader.readStreamEntries(key, name, nextRevision, true, PAGE, cutoff, out);
                if (!out.isEmpty()) {
                    nextRevision = out.get(out.size() - 1).revision() + 1;
                } else if (last >= nextRevision) {
                    nextRevision = last + 1; // only another stream's entries under a shared key
                }
                if (out.size() < PAGE) {
                    checkedUpTo = cutoff;
                    return true;
                }
                return false;
            }

            @Override
            public boolean atHead() {
                return checkedUpTo >= state.committedNextPosition() - 1;
            }
        };
        return new EmbeddedSubscription(state, live, listener, onEnd, source);
    }

    void start() {
        thread = Thread.ofVirtual().name("strata-subscription").start(this::run);
    }

    private void run() {
        thread = Thread.currentThread(); // before any hand-back can unpark it (start() sets it only on return)
        boolean caughtUp = false;
        List<RecordedEvent> page = new ArrayList<>(PAGE);
        try {
            while (active) {
                page.clear();
                boolean atHead = source.nextPage(page);
                for (RecordedEvent event : page) {
                    if (!active) {
                        return;
                    }
                    listener.onEvent(event);
                }
                if (atHead) {
                    if (!caughtUp) {
                        caughtUp = true;
                        if (active) {
                            listener.onCaughtUp();
                        }
                    }
                    if (live != null && !liveStopped) {
                        // Live from the shared thread until the listener refuses an event; then deliver
                        // that one and the rest of its page here (onEvent may wait), read on, join again.
                        for (RecordedEvent event : deliverLiveElsewhere()) {
                            if (!active) {
                                return;
                            }
                            listener.onEvent(event);
                        }
                        continue;
                    }
                    state.notifier.await(() -> active && source.atHead(), IDLE_WAIT_MILLIS);
                }
            }
            if (storeClosed) {
                listener.onError(new StoreUnavailableException("the store was closed"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (active) {
                active = false;
                listener.onError(t);
            }
        } finally {
            active = false;
            onEnd.accept(this);
        }
    }

    // ---- live delivery

    /**
     * Own thread: makes this subscription a member of the live delivery and waits until it is handed back
     * or closed. Returns the events the listener refused to take there (to deliver through onEvent); throws
     * what the listener or the source threw there.
     */
    private List<RecordedEvent> deliverLiveElsewhere() throws Throwable {
        handedBack = false;
        live.join(this);
        while (active && !handedBack) {
            LockSupport.park(this);
        }
        if (!handedBack) {
            return List.of(); // closed; the delivery thread drops this member at its next round
        }
        if (liveFailure != null) {
            throw liveFailure;
        }
        List<RecordedEvent> events = leftOver;
        leftOver = List.of();
        return events;
    }

    /** Live delivery thread: the next page of this subscription's source, offered event by event. */
    LiveStep deliverLive() {
        delivering.lock();
        try {
            if (!active) {
                return LiveStep.LEFT;
            }
            boolean atHead = source.nextPage(livePage); // empty: cleared after each round
            NonBlockingListener offering = (NonBlockingListener) listener;
            for (int i = 0; i < livePage.size(); i++) {
                if (!active) {
                    return LiveStep.LEFT;
                }
                if (!offering.offer(livePage.get(i))) {
                    handBack(List.copyOf(livePage.subList(i, livePage.size())), null);
                    return LiveStep.LEFT;
                }
            }
            return atHead ? LiveStep.AT_HEAD : LiveStep.BEHIND;
        } catch (Throwable t) {
            handBack(List.of(), t);
            return LiveStep.LEFT;
        } finally {
            livePage.clear(); // holds no events between rounds
            delivering.unlock();
        }
    }

    /** Live delivery thread, as it stops: back to this subscription's own thread, which reads on from the log. */
    void leaveLive() {
        liveStopped = true;
        handBack(List.of(), null);
    }

    private void handBack(List<RecordedEvent> refused, Throwable failure) {
        leftOver = refused;
        liveFailure = failure;
        handedBack = true;
        LockSupport.unpark(thread);
    }

    /**
     * Stops delivery and waits (up to 5 s) for a listener call in progress to return. Never interrupts
     * the subscription's thread: an interrupt during a read would close the log's file channel.
     */
    @Override
    public void close() {
        active = false;
        state.notifier.signalAll();
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t); // parked as a member of the live delivery
        }
        if (!delivering.isHeldByCurrentThread()) {
            delivering.lock(); // an offer in progress on the live delivery thread returns first
            delivering.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void endBecauseStoreClosed() {
        storeClosed = true;
        close();
    }

    @Override
    public boolean isActive() {
        return active;
    }
}
