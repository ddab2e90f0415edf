package io.strata.server.groups;

import io.strata.core.RecordedEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The delivery state machine of one group: the events it holds, which of them may be delivered,
 * which are leased to a consumer, which are parked, and its checkpoint. Pure bookkeeping: no threads,
 * no I/O, no clock of its own (callers pass {@code System.nanoTime()}).
 *
 * <p>This class is not thread-safe: {@link ConsumerGroup} calls it under its lock.
 *
 * <p>Rules it implements (see {@code docs/consumer-groups.md}):
 * <ul>
 *   <li>Per-stream ordering: only the oldest unfinished held event of a stream is deliverable; a
 *       retry, with or without delay, keeps it the oldest, so it keeps blocking its stream.</li>
 *   <li>A failure (nack retry, or ack timeout) of a message delivered {@code maxDeliveries} times parks it.</li>
 *   <li>Parking releases the message: the next event of its stream becomes deliverable at once.</li>
 *   <li>A replayed parked message joins the back of its stream's queue, so it is delivered after the
 *       events of that stream the group already holds: out of its original order.</li>
 *   <li>An ackId is accepted only for the current delivery of a message still in flight.</li>
 * </ul>
 */
final class Dispatcher {
    private final Ordering ordering;
    private final int maxDeliveries;
    private final long ackTimeoutNanos;
    private final boolean streamSource;

    /** Held events by slot: an ackId names its slot, so acks need no hash lookup. */
    private final TrackedEvent[] slots;
    private final int[] freeSlots;
    private int freeCount;

    private final HeldList held = new HeldList();
    private int replaysHeld;
    private final ArrayDeque<TrackedEvent> ready = new ArrayDeque<>();
    private final HashMap<String, StreamLane> lanes = new HashMap<>();
    private final LeaseList leases = new LeaseList();
    private final PriorityQueue<TrackedEvent> delayed = new PriorityQueue<>((a, b) -> Long.compare(a.retryAt - b.retryAt, 0));

    /** Parked and being-replayed messages by position: both stay in the durable parked file. */
    private final TreeMap<Long, ParkedRecord> parked = new TreeMap<>();
    private final Set<Long> replaying = new HashSet<>();
    private final ArrayDeque<ParkedRecord> replayQueue = new ArrayDeque<>();
    /** Replays taken by the reader and not yet held: still counted in the lag. */
    private int replaysBeingRead;
    private boolean parkedChanged;

    private Checkpoint readNext;
    private long nextDeliveryId;
    private int readied;
    private long finishedSinceSnapshot;

    Dispatcher(GroupSettings settings, int capacity, Checkpoint start, Collection<ParkedRecord> parkedAtOpen, long firstDeliveryId) {
        this.ordering = settings.ordering();
        this.maxDeliveries = settings.maxDeliveries();
        this.ackTimeoutNanos = settings.ackTimeout().toNanos();
        this.streamSource = settings.source() instanceof GroupSource.Stream;
        this.slots = new TrackedEvent[capacity];
        this.freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            freeSlots[i] = capacity - 1 - i;
        }
        this.freeCount = capacity;
        this.readNext = start;
        this.nextDeliveryId = firstDeliveryId;
        for (ParkedRecord record : parkedAtOpen) {
            parked.put(record.position(), record);
        }
    }

    // ---- reading the source ------------------------------------------------------------------

    /** How many more events may be held (source events plus replays). */
    int room() {
        return freeCount;
    }

    /** Where reading the source continues. */
    Checkpoint readNext() {
        return readNext;
    }

    /** Holds events read from the source (at most {@link #room()}), in source order; reading goes on at {@code next}. */
    void admit(List<RecordedEvent> events, Checkpoint next) {
        for (RecordedEvent event : events) {
            // Parked events are not read again: after a restart the source is re-read from the
            // checkpoint, which may be older than events parked before the crash.
            if (!parked.isEmpty() && parked.containsKey(event.position().value())) {
                continue;
            }
            TrackedEvent tracked = track(event, false);
            held.addNewest(tracked);
            route(tracked);
        }
        readNext = next;
    }

    /** Up to {@code max} parked messages whose replay was asked for, for the reader to fetch. */
    List<ParkedRecord> takeReplays(int max) {
        List<ParkedRecord> taken = new ArrayList<>(Math.min(max, replayQueue.size()));
        while (taken.size() < max && !replayQueue.isEmpty()) {
            taken.add(replayQueue.poll());
        }
        replaysBeingRead += taken.size();
        return taken;
    }

    /** Holds a replayed parked message again, with a fresh delivery count. */
    void admitReplay(RecordedEvent event) {
        TrackedEvent tracked = track(event, true);
        replaysBeingRead--;
        replaysHeld++;
        route(tracked);
    }

    /** A replay whose event could not be read: it stays parked. */
    void replayNotRead(ParkedRecord record) {
        replaysBeingRead--;
        replaying.remove(record.position());
    }

    private TrackedEvent track(RecordedEvent event, boolean replay) {
        if (freeCount == 0) {
            throw new IllegalStateException("the read-ahead window is full; the reader must ask room() first");
        }
        int slot = freeSlots[--freeCount];
        TrackedEvent tracked = new TrackedEvent(event, slot, replay);
        slots[slot] = tracked;
        return tracked;
    }

    private void route(TrackedEvent event) {
        if (ordering == Ordering.NONE) {
            makeReady(event);
            return;
        }
        String stream = event.event.stream();
        StreamLane lane = lanes.get(stream);
        if (lane == null) {
            lane = new StreamLane();
            lanes.put(stream, lane);
        }
        boolean first = lane.isEmpty();
        lane.append(event);
        if (first) {
            makeReady(event);
        } else {
            event.state = TrackedEvent.State.WAITING;
        }
    }

    private void makeReady(TrackedEvent event) {
        event.state = TrackedEvent.State.READY;
        ready.addLast(event);
        readied++;
    }

    // ---- delivering --------------------------------------------------------------------------

    /** Leases up to {@code max} ready messages into {@code out}, each until {@code now + ackTimeout}. */
    void lease(int max, long now, List<Message> out) {
        long deadline = now + ackTimeoutNanos;
        for (int i = 0; i < max; i++) {
            TrackedEvent event = ready.pollFirst();
            if (event == null) {
                return;
            }
            event.state = TrackedEvent.State.IN_FLIGHT;
            event.deliveries++;
            event.deliveryId = nextDeliveryId++;
            event.leaseDeadline = deadline;
            leases.addLast(event);
            out.add(new Message(AckIds.format(event.deliveryId, event.slot), event.deliveries, event.event));
        }
    }

    /** Acks the delivery; false when it is not a current, unexpired delivery. */
    boolean ack(AckIds.Parsed id) {
        TrackedEvent event = inFlight(id);
        if (event == null) {
            return false;
        }
        leases.remove(event);
        finish(event);
        return true;
    }

    /** Applies {@code action} to the delivery; false when it is not a current, unexpired delivery. */
    boolean nack(AckIds.Parsed id, NackAction action, long delayNanos, long now) {
        TrackedEvent event = inFlight(id);
        if (event == null) {
            return false;
        }
        leases.remove(event);
        switch (action) {
            case RETRY -> retryOrPark(event, delayNanos, now);
            case PARK -> park(event, ParkReason.NACKED);
            case SKIP -> finish(event);
        }
        return true;
    }

    /** Makes an in-flight message deliverable again without counting its delivery; false when it is not in flight under that id. */
    boolean giveBack(AckIds.Parsed id) {
        TrackedEvent event = inFlight(id);
        if (event == null) {
            return false;
        }
        leases.remove(event);
        event.deliveries--;
        makeReady(event);
        return true;
    }

    private TrackedEvent inFlight(AckIds.Parsed id) {
        if (!id.wellFormed() || id.slot() >= slots.length) {
            return null;
        }
        TrackedEvent event = slots[id.slot()];
        return event != null && event.state == TrackedEvent.State.IN_FLIGHT && event.deliveryId == id.deliveryId() ? event : null;
    }

    /** Handles expired leases (redeliver or park) and due retries. */
    void expire(long now) {
        TrackedEvent event;
        while ((event = leases.first()) != null && now - event.leaseDeadline >= 0) {
            leases.remove(event);
            retryOrPark(event, 0, now);
        }
        while ((event = delayed.peek()) != null && now - event.retryAt >= 0) {
            delayed.poll();
            makeReady(event);
        }
    }

    private void retryOrPark(TrackedEvent event, long delayNanos, long now) {
        if (event.deliveries >= maxDeliveries) {
            park(event, ParkReason.MAX_DELIVERIES);
        } else if (delayNanos > 0) {
            event.state = TrackedEvent.State.DELAYED;
            event.retryAt = now + delayNanos;
            delayed.add(event);
        } else {
            makeReady(event);
        }
    }

    private void park(TrackedEvent event, ParkReason reason) {
        RecordedEvent e = event.event;
        parked.put(event.position, new ParkedRecord(event.position, e.stream(), e.revision(), event.deliveries, reason, Instant.now()));
        replaying.remove(event.position);
        parkedChanged = true;
        release(event);
    }

    /** Acked or skipped. */
    private void finish(TrackedEvent event) {
        if (event.replay) {
            parked.remove(event.position);
            replaying.remove(event.position);
            parkedChanged = true;
        }
        release(event);
    }

    private void release(TrackedEvent event) {
        event.state = TrackedEvent.State.DONE;
        slots[event.slot] = null;
        freeSlots[freeCount++] = event.slot;
        if (event.replay) {
            replaysHeld--;
        } else {
            held.remove(event);
        }
        finishedSinceSnapshot++;
        StreamLane lane = event.lane;
        if (lane != null) {
            TrackedEvent next = lane.removeHead(event);
            if (next == null) {
                lanes.remove(event.event.stream());
            } else {
                makeReady(next);
            }
        }
    }

    /** How many of the deliverable messages became so since the last call (to wake that many fetchers). */
    int takeReadied() {
        int n = Math.min(readied, ready.size());
        readied = 0;
        return n;
    }

    /** Whether a lease or a retry is waiting for a time; then {@link #nextDeadline()} is when. */
    boolean hasDeadline() {
        return leases.first() != null || !delayed.isEmpty();
    }

    long nextDeadline() {
        TrackedEvent lease = leases.first();
        TrackedEvent retry = delayed.peek();
        if (lease == null) {
            return retry.retryAt;
        }
        if (retry == null) {
            return lease.leaseDeadline;
        }
        return lease.leaseDeadline - retry.retryAt <= 0 ? lease.leaseDeadline : retry.retryAt;
    }

    // ---- parked ------------------------------------------------------------------------------

    /** Queues every parked message (not already being replayed) for delivery; returns how many. */
    int replayAll() {
        int queued = 0;
        for (ParkedRecord record : parked.values()) {
            if (replaying.add(record.position())) {
                replayQueue.add(record);
                queued++;
            }
        }
        return queued;
    }

    boolean hasReplays() {
        return !replayQueue.isEmpty();
    }

    /** The first {@code limit} parked messages, oldest position first, without those being replayed. */
    List<ParkedRecord> parkedRecords(int limit) {
        List<ParkedRecord> out = new ArrayList<>(Math.min(limit, parked.size()));
        for (ParkedRecord record : parked.values()) {
            if (out.size() == limit) {
                break;
            }
            if (!replaying.contains(record.position())) {
                out.add(record);
            }
        }
        return out;
    }

    long parkedCount() {
        return parked.size() - replaying.size();
    }

    // ---- status and durability ---------------------------------------------------------------

    /** Every source event before this was acked, skipped or parked. */
    Checkpoint checkpoint() {
        TrackedEvent oldest = held.oldest();
        if (oldest == null) {
            return readNext;
        }
        return new Checkpoint(oldest.position, streamSource ? oldest.event.revision() : Checkpoint.NO_REVISION);
    }

    int inFlight() {
        return leases.size();
    }

    /** Held source events not finished, plus replays held, being read or queued. */
    long unfinished() {
        return (long) held.size() + replaysHeld + replaysBeingRead + replayQueue.size();
    }

    long finishedSinceSnapshot() {
        return finishedSinceSnapshot;
    }

    /**
     * What to make durable: the checkpoint, and the parked messages when they changed (null if not).
     * Parked messages include those being replayed: a replay interrupted by a restart leaves them parked.
     */
    record Snapshot(Checkpoint checkpoint, List<ParkedRecord> parked) {
    }

    Snapshot snapshot() {
        finishedSinceSnapshot = 0;
        List<ParkedRecord> changed = parkedChanged ? List.copyOf(parked.values()) : null;
        parkedChanged = false;
        return new Snapshot(checkpoint(), changed);
    }

    /** The snapshot could not be written: its parked messages must be written next time. */
    void snapshotNotWritten(Snapshot snapshot) {
        if (snapshot.parked() != null) {
            parkedChanged = true;
        }
    }
}
