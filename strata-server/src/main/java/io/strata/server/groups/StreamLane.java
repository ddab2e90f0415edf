package io.strata.server.groups;

/**
 * The held events of one stream, oldest first, under per-stream ordering: only the head may be
 * delivered; the others wait for it to be acked, skipped or parked. Not thread-safe.
 */
final class StreamLane {
    TrackedEvent head;
    private TrackedEvent tail;

    boolean isEmpty() {
        return head == null;
    }

    void append(TrackedEvent event) {
        event.lane = this;
        event.nextInLane = null;
        if (tail == null) {
            head = event;
        } else {
            tail.nextInLane = event;
        }
        tail = event;
    }

    /** Removes the head (which must be {@code event}); returns the new head or null. */
    TrackedEvent removeHead(TrackedEvent event) {
        if (head != event) {
            throw new IllegalStateException("only the head of a stream lane is released: " + event.event);
        }
        head = event.nextInLane;
        event.nextInLane = null;
        if (head == null) {
            tail = null;
        }
        return head;
    }
}
