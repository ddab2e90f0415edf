package io.strata.server;

import io.strata.core.RecordedEvent;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The wire form of recent events (SSE JSON, protobuf), made once for all the subscriptions that send
 * them: the embedded engine hands the same {@link RecordedEvent} instance to all its live subscribers,
 * and the first one to send it encodes it for the others.
 *
 * <pre>
 *   slot = position mod CAPACITY   ─►  Entry(event, encoded)   hit: entry.event == event (the same instance)
 * </pre>
 *
 * <p>Design note: with 100 subscribers and 10,000 events/s (W6) every event was encoded 100 times:
 * over SSE, {@code WireJson.event} + {@code line} were 2,241 of 13,302 CPU-time samples of the server;
 * over gRPC, {@code toProto} + {@code build} 228 of 2,546. Keyed by identity, not by position, so an
 * entry can never describe another event (another store, a rebuilt log); a miss only costs an encoding.
 * Events larger than {@link #MAX_EVENT_BYTES} are encoded each time, so that the cache stays small
 * (8,192 entries of at most ~8 KB encoded).
 *
 * <p>Thread-safe without locks: each slot is one atomic reference; two threads may both encode an event
 * that neither found, and either result is kept.
 */
public final class EncodedEvents<T> {
    static final int CAPACITY = 8192;
    static final int MAX_EVENT_BYTES = 4096;

    private record Entry<T>(RecordedEvent event, T encoded) {
    }

    private final AtomicReferenceArray<Entry<T>> slots = new AtomicReferenceArray<>(CAPACITY);
    private final Function<RecordedEvent, T> encoder;

    public EncodedEvents(Function<RecordedEvent, T> encoder) {
        this.encoder = encoder;
    }

    /** {@code event} encoded: the form made for this very instance earlier, or a new one. */
    public T of(RecordedEvent event) {
        if (event.data().length + event.metadata().length > MAX_EVENT_BYTES) {
            return encoder.apply(event);
        }
        int slot = (int) (event.position().value() & (CAPACITY - 1));
        Entry<T> entry = slots.get(slot);
        if (entry != null && entry.event() == event) {
            return entry.encoded();
        }
        T encoded = encoder.apply(event);
        slots.set(slot, new Entry<>(event, encoded));
        return encoded;
    }
}
