package io.strata.eventsourcing.snapshot;

import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Snapshots kept in the event store itself, one stream per aggregate: {@code snapshot-<aggregate
 * stream>}, e.g. {@code snapshot-counter-42}. Each snapshot is an event of type {@value #TYPE}; its
 * data is the encoded state and its metadata says which revision and state version it holds:
 * <pre>{@code {"aggregateStream":"counter-42","aggregateRevision":199,"stateVersion":1}}</pre>
 *
 * <p>Why in the store: it works over any {@link EventStore}, embedded or remote, with nothing else
 * to run or back up, and the category {@code snapshot} keeps snapshots out of the aggregates'
 * categories, so category projections never see them. The cost: a snapshot stream grows by one
 * event per snapshot (1/N of the aggregate's events) and is never trimmed, since the store has no
 * deletion yet. Thread-safe.
 */
public final class EventStoreSnapshotStore implements SnapshotStore {
    public static final String STREAM_PREFIX = "snapshot-";
    public static final String TYPE = "Snapshot";

    /** Snapshots are usually written in revision order, so the newest fitting one is within a page or two. */
    private static final int PAGE = 64;
    /** Older than this many snapshots back, replaying the events is the better deal anyway. */
    private static final int MAX_SCANNED = 1024;

    private final EventStore store;
    private final JsonMapper mapper = JsonMapper.builder().build();

    public EventStoreSnapshotStore(EventStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The stream that holds the snapshots of {@code aggregateStream}. */
    public static String snapshotStreamOf(String aggregateStream) {
        return STREAM_PREFIX + aggregateStream;
    }

    @Override
    public void save(Snapshot snapshot) {
        ObjectNode metadata = mapper.createObjectNode()
                .put("aggregateStream", snapshot.aggregateStream())
                .put("aggregateRevision", snapshot.aggregateRevision())
                .put("stateVersion", snapshot.stateVersion());
        EventData event = EventData.builder(TYPE)
                .data(snapshot.state())
                .metadata(mapper.writeValueAsBytes(metadata))
                .contentType("application/octet-stream")
                .build();
        store.append(snapshotStreamOf(snapshot.aggregateStream()), ExpectedRevision.ANY, List.of(event));
    }

    @Override
    public Optional<Snapshot> latest(String aggregateStream) {
        return read(aggregateStream, ReadStreamOptions.backwards().limit(1))
                .flatMap(slice -> slice.events().stream().findFirst())
                .flatMap(event -> decode(aggregateStream, event));
    }

    @Override
    public Optional<Snapshot> latestAtOrBefore(String aggregateStream, long revision) {
        ReadStreamOptions options = ReadStreamOptions.backwards().limit(1); // the newest usually fits
        int scanned = 0;
        while (scanned < MAX_SCANNED) {
            Optional<StreamSlice> slice = read(aggregateStream, options);
            if (slice.isEmpty()) {
                return Optional.empty();
            }
            for (RecordedEvent event : slice.get().events()) {
                scanned++;
                Optional<Snapshot> snapshot = decode(aggregateStream, event);
                if (snapshot.isPresent() && snapshot.get().aggregateRevision() <= revision) {
                    return snapshot;
                }
            }
            if (slice.get().next().isEmpty()) {
                return Optional.empty();
            }
            options = options.from(slice.get().next().getAsLong()).limit(PAGE);
        }
        return Optional.empty();
    }

    private Optional<StreamSlice> read(String aggregateStream, ReadStreamOptions options) {
        try {
            return Optional.of(store.readStream(snapshotStreamOf(aggregateStream), options));
        } catch (StreamNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Skips (rather than fails on) an event that is not a snapshot of this stream: it only costs a replay. */
    private Optional<Snapshot> decode(String aggregateStream, RecordedEvent event) {
        if (!TYPE.equals(event.type())) {
            return Optional.empty();
        }
        try {
            JsonNode metadata = mapper.readTree(event.metadata());
            JsonNode revision = metadata.get("aggregateRevision");
            JsonNode version = metadata.get("stateVersion");
            if (revision == null || !revision.canConvertToLong() || version == null || !version.canConvertToInt()
                    || !aggregateStream.equals(metadata.path("aggregateStream").asString(""))) {
                return Optional.empty();
            }
            return Optional.of(new Snapshot(aggregateStream, revision.longValue(), version.intValue(), event.data()));
        } catch (JacksonException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
