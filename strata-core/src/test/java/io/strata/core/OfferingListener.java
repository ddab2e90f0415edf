package io.strata.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A {@link NonBlockingListener} for tests: a {@link CollectingListener} whose live events may also come
 * through {@link #offer}, of which it takes those {@code takes} allows (by the offer's number, from 0)
 * and refuses the rest, so that the store must deliver a refused event, and those after it, through
 * {@code onEvent} instead. Everything taken either way lands in one {@link CollectingListener}, which
 * reports an offer that overlaps an {@code onEvent} as a breach of the listener protocol.
 *
 * <p>A store that never offers (one over the network, say) just calls {@code onEvent}: the promises
 * checked through {@link #collected()} are the same.
 *
 * <p>This class is thread-safe.
 */
public final class OfferingListener implements NonBlockingListener {
    private final CollectingListener collected = new CollectingListener();
    private final IntPredicate takes;
    private final AtomicInteger offers = new AtomicInteger();
    private final AtomicInteger taken = new AtomicInteger();

    /** Takes the offers {@code takes} accepts, by their number (0 for the first offer). */
    public OfferingListener(IntPredicate takes) {
        this.takes = takes;
    }

    /** Takes every offer. */
    public static OfferingListener takingAll() {
        return new OfferingListener(offer -> true);
    }

    /** Refuses every {@code n}th offer and takes the others. */
    public static OfferingListener refusingEvery(int n) {
        return new OfferingListener(offer -> offer % n != n - 1);
    }

    @Override
    public boolean offer(RecordedEvent event) {
        if (!takes.test(offers.getAndIncrement())) {
            return false;
        }
        collected.onEvent(event);
        taken.incrementAndGet();
        return true;
    }

    @Override
    public void onEvent(RecordedEvent event) {
        collected.onEvent(event);
    }

    @Override
    public void onCaughtUp() {
        collected.onCaughtUp();
    }

    @Override
    public void onError(Throwable t) {
        collected.onError(t);
    }

    /** Everything delivered, whichever way it came. */
    public CollectingListener collected() {
        return collected;
    }

    /** Offers made so far, taken or not. */
    public int offers() {
        return offers.get();
    }

    /** Offers taken so far. */
    public int taken() {
        return taken.get();
    }

    @Override
    public String toString() {
        return "OfferingListener[" + taken() + " of " + offers() + " offers taken, " + collected + "]";
    }
}
