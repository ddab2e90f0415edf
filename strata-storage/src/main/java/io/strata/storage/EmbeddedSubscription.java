package io.strata.storage;

import io.strata.core.EventFilter;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A live subscription on its own virtual thread. It reads history and live events the same way,
 * straight from the log up to the committed head, so the switch from history to live can neither skip
 * nor repeat an event. When it reaches the head it waits for the writer's next commit.
 *
 * <p>A slow listener only slows itself: nothing is buffered for it; it reads on when it is ready.
 */
final class EmbeddedSubscription implements Subscription {
    private static final int PAGE = 512;
    private static final long IDLE_WAIT_MILLIS = 1000;

    private final StoreState state;
    private final SubscriptionListener listener;
    private final Consumer<EmbeddedSubscription> onEnd;
    private final Source source;
    private volatile boolean active = true;
    private volatile boolean storeClosed;
    private volatile Thread thread;

    /** What the subscription reads: one page at a time from where it is. */
    private interface Source {
        /** Reads the next page into {@code out}; returns whether it reached the committed head. */
        boolean nextPage(List<RecordedEvent> out);

        /** Whether nothing new is committed beyond where this source is. */
        boolean atHead();
    }

    private EmbeddedSubscription(StoreState state, SubscriptionListener listener, Consumer<EmbeddedSubscription> onEnd, Source source) {
        this.state = state;
        this.listener = listener;
        this.onEnd = onEnd;
        this.source = source;
    }

    static EmbeddedSubscription toAll(StoreState state, StoreReader reader, long from, EventFilter filter,
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
        return new EmbeddedSubscription(state, listener, onEnd, source);
    }

    static EmbeddedSubscription toStream(StoreState state, StoreReader reader, String stream, long from,
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
        return new EmbeddedSubscription(state, listener, onEnd, source);
    }

    void start() {
        thread = Thread.ofVirtual().name("strata-subscription").start(this::run);
    }

    private void run() {
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

    /**
     * Stops delivery and waits (up to 5 s) for a listener call in progress to return. Never interrupts
     * the subscription's thread: an interrupt during a read would close the log's file channel.
     */
    @Override
    public void close() {
        active = false;
        state.notifier.signalAll();
        Thread t = thread;
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
