package io.strata.protocol;

import io.strata.core.RecordedEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Events a client decoded lately, kept with their bytes on the wire, so that the same bytes received
 * by another of its subscriptions are not decoded again but answered with the same {@link RecordedEvent}
 * (which may be shared: see its documentation). The server sends every subscriber of an event the very
 * same bytes (protobuf over gRPC, {@link SubscriptionWire}; one line of JSON over Server-Sent Events), so
 * a process whose subscriptions overlap decodes each event once, however many of them receive it. The
 * gRPC client ({@code StrataClient}) and the HTTP client ({@code HttpEventStore}) each keep one.
 *
 * <p>Why: in W6 over gRPC (100 subscriptions in one client, 1 M deliveries/s) decoding every copy was
 * the largest share of the client's CPU-time samples (see {@code docs/benchmarks.md}, twelfth session, and ADR 0012).
 *
 * <p>Direct-mapped: an event's slot follows from a few of its bytes, and a newer event whose bytes lead
 * to the same slot takes it. A hit is an exact comparison of all the bytes, never of a hash, so an
 * answer is always the decoding of exactly those bytes. Only events of up to {@link #MAX_CACHED_BYTES}
 * are kept, so the cache holds at most {@link #SLOTS} such events (~3 MiB with 256-byte payloads,
 * at most ~9 MiB).
 *
 * <p>Thread-safe without locks: a slot holds an immutable {@link Entry}, whose final fields make it safe
 * to read from any thread; of two subscriptions racing to fill a slot with the same bytes, the second
 * takes the first one's event ({@link #share}).
 */
public final class DecodedEventCache {
    /** 4,096 slots hold the last ~0.4 s of W6's 10,000 events/s; a subscriber that far behind decodes its own. */
    static final int SLOTS = 1 << 12;
    private static final int SLOT_BITS = 12;
    /** Larger events are decoded per subscription: a few of them would otherwise pin megabytes. */
    static final int MAX_CACHED_BYTES = 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);

    private record Entry(byte[] encoded, RecordedEvent event) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    /** The event decoded from {@code source[from, from + length)}, when that exact encoding is still kept. */
    public RecordedEvent find(byte[] source, int from, int length) {
        if (length > MAX_CACHED_BYTES || length < Long.BYTES) {
            return null;
        }
        Entry entry = (Entry) SLOT.getAcquire(slots, slot(source, from, length));
        return holds(entry, source, from, length) ? entry.event : null;
    }

    /**
     * Keeps {@code event}, just decoded from {@code source[from, from + length)}, for other subscriptions,
     * and answers the event every subscription is to use for those bytes: {@code event}, or the one another
     * subscription decoded from the same bytes at the same time and kept first. So two subscriptions never
     * hold two copies of one event while it is kept, however their threads interleave (a plain store let
     * both keep their own: CI saw it once in {@code StrataClientTest}).
     */
    public RecordedEvent share(byte[] source, int from, int length, RecordedEvent event) {
        if (length > MAX_CACHED_BYTES || length < Long.BYTES) {
            return event;
        }
        int slot = slot(source, from, length);
        Entry current = (Entry) SLOT.getAcquire(slots, slot);
        if (holds(current, source, from, length)) {
            return current.event;
        }
        Entry mine = new Entry(Arrays.copyOfRange(source, from, from + length), event);
        Entry witness = (Entry) SLOT.compareAndExchange(slots, slot, current, mine);
        if (witness == current || !holds(witness, source, from, length)) {
            return event; // kept; or the slot went to other bytes, which are not ours to answer
        }
        return witness.event;
    }

    private static boolean holds(Entry entry, byte[] source, int from, int length) {
        return entry != null && Arrays.equals(entry.encoded, 0, entry.encoded.length, source, from, from + length);
    }

    /**
     * The slot of an encoding, from its length and two 8-byte words: one near the start, which in an event
     * as our server encodes it (id first, as 36 characters, in protobuf and in JSON alike) falls on the
     * id's last, random hex digits, and the last word. Other bytes only decide which events share a slot,
     * never an answer.
     */
    private static int slot(byte[] source, int from, int length) {
        long near = (long) LONGS.get(source, from + Math.min(30, length - Long.BYTES));
        long last = (long) LONGS.get(source, from + length - Long.BYTES);
        long mixed = (near ^ Long.rotateLeft(last, 29) ^ length) * 0x9E3779B97F4A7C15L; // Fibonacci hashing:
        return (int) (mixed >>> (Long.SIZE - SLOT_BITS)); // the product's top bits depend on all of its input
    }
}
