package io.strata.server.groups;

/**
 * Messages in flight, in delivery order, linked through the events themselves. All leases of a group
 * last the same {@code ackTimeout}, so delivery order is deadline order: expiry looks at the first
 * only, and an ack unlinks in O(1). (A queue of lease objects would keep every acked lease until its
 * deadline: 15 million objects at 500,000 acks/s with the default 30 s timeout.) Not thread-safe.
 */
final class LeaseList {
    private TrackedEvent first;
    private TrackedEvent last;
    private int size;

    void addLast(TrackedEvent event) {
        event.earlierLease = last;
        event.laterLease = null;
        if (last == null) {
            first = event;
        } else {
            last.laterLease = event;
        }
        last = event;
        size++;
    }

    void remove(TrackedEvent event) {
        if (event.earlierLease == null) {
            first = event.laterLease;
        } else {
            event.earlierLease.laterLease = event.laterLease;
        }
        if (event.laterLease == null) {
            last = event.earlierLease;
        } else {
            event.laterLease.earlierLease = event.earlierLease;
        }
        event.earlierLease = null;
        event.laterLease = null;
        size--;
    }

    /** The lease that expires first, or null. */
    TrackedEvent first() {
        return first;
    }

    int size() {
        return size;
    }
}
