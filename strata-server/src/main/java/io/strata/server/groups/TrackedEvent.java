package io.strata.server.groups;

import io.strata.core.RecordedEvent;

/**
 * An event a group holds, with its delivery state. Mutable, owned by one {@link Dispatcher} and only
 * touched under its group's lock. The links make every move between the dispatcher's lists O(1)
 * without allocating.
 */
final class TrackedEvent {
    enum State {
        /** Behind an older unfinished event of its stream (per-stream ordering). */
        WAITING,
        /** In the ready queue: the next fetch may take it. */
        READY,
        /** Delivered; waiting for its ack until {@link #leaseDeadline}. */
        IN_FLIGHT,
        /** Nacked with a delay; ready again at {@link #retryAt}. */
        DELAYED,
        /** Acked, skipped or parked: released. */
        DONE
    }

    final RecordedEvent event;
    final long position;
    /** The slot in the dispatcher's table; part of the ackId. */
    final int slot;
    /** A parked message being replayed: it lives outside the held list and does not hold the checkpoint. */
    final boolean replay;

    State state;
    int deliveries;
    /** Identifies the current delivery; an ackId must carry it to be accepted. */
    long deliveryId;
    long leaseDeadline;
    long retryAt;

    /** The stream's queue under per-stream ordering; null under {@link Ordering#NONE}. */
    StreamLane lane;
    TrackedEvent nextInLane;

    /** Neighbours in the held list (source order), which gives the checkpoint. */
    TrackedEvent olderHeld;
    TrackedEvent newerHeld;

    /** Neighbours in the lease list (deadline order). */
    TrackedEvent earlierLease;
    TrackedEvent laterLease;

    TrackedEvent(RecordedEvent event, int slot, boolean replay) {
        this.event = event;
        this.position = event.position().value();
        this.slot = slot;
        this.replay = replay;
    }
}
