package io.strata.server.grpc;

import io.strata.core.AllSlice;
import io.strata.core.EventStore;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamSlice;
import io.strata.protocol.EncodedMessage;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.ReadWire;
import io.strata.protocol.RecordedEventEncoder;
import io.strata.protocol.v1.ReadAllRequest;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamRequest;
import io.strata.protocol.v1.ReadStreamResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads one page for {@code ReadStream} / {@code ReadAll}, capped by count and by bytes, and encodes it
 * ({@link RecordedEventEncoder}, {@link ReadWire#allPage}): the answer's bytes are the generated messages'.
 *
 * <p>The engine caps a page by count only: 1,000 events of 1 MiB would be a 1 GB message, which no client
 * accepts (grpc-java refuses more than 4 MiB by default) and which the server should not hold in memory.
 * So a page holds at most {@code maxEvents} events and at most {@link #PAGE_BYTES} of serialized events
 * (always at least one event), and {@code next} points at the first event left out, so a caller that
 * follows {@code next} misses nothing.
 *
 * <p>Design note: the engine is asked in chunks, the first of {@value #FIRST_CHUNK} events and the next
 * sized by the average event seen so far, so that a page of large events never reads far more than the
 * page can carry (1,000 × 1 MiB would otherwise be read, then mostly dropped). Small events take two
 * engine reads per page. A chunk that comes back short with a {@code next} (the engine's scan budget on a
 * filtered read) ends the page there, as one engine read of the whole page would have.
 */
final class PageReader {
    /** The grpc-java default limit on an inbound message, which clients keep unless they raise it. */
    static final int CLIENT_MAX_MESSAGE_BYTES = 4 << 20;
    /** Serialized events per page: under the client limit with room for the response's other fields. */
    static final int PAGE_BYTES = CLIENT_MAX_MESSAGE_BYTES - (16 << 10);
    static final int FIRST_CHUNK = 16;

    private final EventStore store;
    private final int maxEvents;
    private final int pageBytes;

    /**
     * @param maxEvents the most events in a page, whatever the request asks (the HTTP API's limit, 1,000)
     * @param pageBytes the most serialized event bytes in a page ({@link #PAGE_BYTES}; tests use less)
     */
    PageReader(EventStore store, int maxEvents, int pageBytes) {
        this.store = store;
        this.maxEvents = maxEvents;
        this.pageBytes = pageBytes;
    }

    EncodedMessage readStream(ReadStreamRequest request) {
        ReadStreamOptions options = ProtoMapping.fromProto(request);
        Page page = new Page(Math.min(options.limit(), maxEvents), pageBytes, ReadStreamResponse.EVENTS_FIELD_NUMBER);
        ReadStreamOptions chunk = options.limit(page.nextChunk());
        while (true) {
            StreamSlice slice = store.readStream(request.getStream(), chunk);
            page.lastRevision = slice.lastRevision();
            page.stream = slice.stream();
            for (RecordedEvent event : slice.events()) {
                if (!page.add(event)) {
                    return page.streamResponse(OptionalLong.of(event.revision()));
                }
            }
            if (slice.next().isEmpty() || page.isFull() || slice.events().size() < chunk.limit()) {
                return page.streamResponse(slice.next());
            }
            chunk = chunk.from(slice.next().getAsLong()).limit(page.nextChunk());
        }
    }

    EncodedMessage readAll(ReadAllRequest request) {
        ReadAllOptions options = ProtoMapping.fromProto(request);
        Page page = new Page(Math.min(options.limit(), maxEvents), pageBytes, ReadAllResponse.EVENTS_FIELD_NUMBER);
        ReadAllOptions chunk = options.limit(page.nextChunk());
        while (true) {
            AllSlice slice = store.readAll(chunk);
            for (RecordedEvent event : slice.events()) {
                if (!page.add(event)) {
                    return page.allResponse(OptionalLong.of(event.position().value()));
                }
            }
            if (slice.next().isEmpty() || page.isFull() || slice.events().size() < chunk.limit()) {
                return page.allResponse(slice.next().map(next -> OptionalLong.of(next.value())).orElse(OptionalLong.empty()));
            }
            chunk = chunk.from(slice.next().get()).limit(page.nextChunk());
        }
    }

    /** The events of one page so far, encoded, and what room is left. Not thread-safe (one per read). */
    private static final class Page {
        private final int maxEvents;
        private final int maxBytes;
        private final int eventsField;
        private final RecordedEventEncoder encoder = new RecordedEventEncoder();
        private final List<byte[]> events = new ArrayList<>();
        private long bytes;
        private String stream;
        private long lastRevision;

        /** @param eventsField the answer's field number of its (repeated) events */
        Page(int maxEvents, int maxBytes, int eventsField) {
            this.maxEvents = maxEvents;
            this.maxBytes = maxBytes;
            this.eventsField = eventsField;
        }

        /** Adds {@code event}, or returns false when it would take the page over its bytes (never the first). */
        boolean add(RecordedEvent event) {
            byte[] encoded = encoder.encode(event);
            int size = ReadWire.fieldBytes(eventsField, encoded);
            if (!events.isEmpty() && bytes + size > maxBytes) {
                return false;
            }
            events.add(encoded);
            bytes += size;
            return true;
        }

        boolean isFull() {
            return events.size() >= maxEvents;
        }

        /** How many events to ask the engine for next: what the bytes left would hold at the average size. */
        int nextChunk() {
            int left = maxEvents - events.size();
            if (events.isEmpty()) {
                return Math.min(left, FIRST_CHUNK);
            }
            long average = Math.max(1, bytes / events.size());
            long fits = Math.max(0, maxBytes - bytes) / average + 1;
            return (int) Math.max(1, Math.min(left, fits));
        }

        /** @param next the {@code from} of the following page, if there is one */
        EncodedMessage streamResponse(OptionalLong next) {
            return ReadWire.streamPage(stream, events, lastRevision, next);
        }

        /** @param next the {@code from} of the following page, if there is one */
        EncodedMessage allResponse(OptionalLong next) {
            return ReadWire.allPage(events, next);
        }
    }
}
