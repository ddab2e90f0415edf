package io.strata.server.groups;

/**
 * The source events a group holds unfinished, in source order (reading order), linked through the
 * events themselves. Its oldest event is the group's checkpoint; acks unlink from anywhere in O(1), so
 * a slow message does not make the group keep the finished events behind it. Not thread-safe.
 */
final class HeldList {
    private TrackedEvent oldest;
    private TrackedEvent newest;
    private int size;

    void addNewest(TrackedEvent event) {
        event.olderHeld = newest;
        event.newerHeld = null;
        if (newest == null) {
            oldest = event;
        } else {
            newest.newerHeld = event;
        }
        newest = event;
        size++;
    }

    void remove(TrackedEvent event) {
        if (event.olderHeld == null) {
            oldest = event.newerHeld;
        } else {
            event.olderHeld.newerHeld = event.newerHeld;
        }
        if (event.newerHeld == null) {
            newest = event.olderHeld;
        } else {
            event.newerHeld.olderHeld = event.olderHeld;
        }
        event.olderHeld = null;
        event.newerHeld = null;
        size--;
    }

    TrackedEvent oldest() {
        return oldest;
    }

    int size() {
        return size;
    }
}
