package io.strata.protocol;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import io.strata.core.AllSlice;
import io.strata.core.Direction;
import io.strata.core.Durability;
import io.strata.core.EventFilter;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StoreInfo;
import io.strata.core.StreamSlice;
import io.strata.protocol.v1.Filter;
import io.strata.protocol.v1.InfoResponse;
import io.strata.protocol.v1.ReadAllRequest;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamRequest;
import io.strata.protocol.v1.ReadStreamResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The one translation between strata-core's types and the gRPC messages of {@code event_store.proto},
 * both ways, used by the server and the client alike so that they cannot drift apart.
 *
 * <p>Messages from the wire are not trusted: a malformed id, a revision or position over
 * {@code Long.MAX_VALUE} (a uint64 read as a negative long) or a limit over {@code Integer.MAX_VALUE}
 * becomes an {@link InvalidRequestException}, like the same mistake made through the Java API.
 *
 * <p>Byte arrays: what the store hands out (recorded events) is wrapped without a copy; what a caller
 * hands in ({@link io.strata.core.EventData}) is copied, because the caller may reuse its array while
 * the message is still being serialized.
 */
public final class ProtoMapping {
    private ProtoMapping() {
    }

    // --- appends -----------------------------------------------------------------------------

    public static io.strata.protocol.v1.EventData toProto(io.strata.core.EventData event) {
        io.strata.protocol.v1.EventData.Builder proto = io.strata.protocol.v1.EventData.newBuilder()
                .setType(event.type())
                .setData(ByteString.copyFrom(event.data()));
        if (event.id().isPresent()) {
            proto.setId(event.id().get().toString());
        }
        if (event.hasMetadata()) {
            proto.setMetadata(ByteString.copyFrom(event.metadata()));
        }
        if (!io.strata.core.EventData.JSON.equals(event.contentType())) {
            proto.setContentType(event.contentType());
        }
        if (event.validTime().isPresent()) {
            proto.setValidTime(timestamp(event.validTime().get()));
        }
        return proto.build();
    }

    public static io.strata.core.EventData fromProto(io.strata.protocol.v1.EventData proto) {
        Optional<UUID> id = proto.getId().isEmpty() ? Optional.empty() : Optional.of(uuid(proto.getId(), "event id"));
        String contentType = proto.getContentType().isEmpty() ? io.strata.core.EventData.JSON : proto.getContentType();
        Optional<Instant> validTime = proto.hasValidTime() ? Optional.of(instant(proto.getValidTime())) : Optional.empty();
        return new io.strata.core.EventData(id, proto.getType(), WholeArray.of(proto.getData()),
                WholeArray.of(proto.getMetadata()), contentType, validTime);
    }

    public static List<io.strata.core.EventData> fromProto(List<io.strata.protocol.v1.EventData> protos) {
        List<io.strata.core.EventData> events = new ArrayList<>(protos.size());
        for (io.strata.protocol.v1.EventData proto : protos) {
            events.add(fromProto(proto));
        }
        return events;
    }

    public static io.strata.protocol.v1.ExpectedRevision toProto(io.strata.core.ExpectedRevision expected) {
        io.strata.protocol.v1.ExpectedRevision.Builder proto = io.strata.protocol.v1.ExpectedRevision.newBuilder();
        return switch (expected) {
            case io.strata.core.ExpectedRevision.Any any -> proto.setKind(io.strata.protocol.v1.ExpectedRevision.Kind.ANY).build();
            case io.strata.core.ExpectedRevision.NoStream none -> proto.setKind(io.strata.protocol.v1.ExpectedRevision.Kind.NO_STREAM).build();
            case io.strata.core.ExpectedRevision.Exists exists -> proto.setKind(io.strata.protocol.v1.ExpectedRevision.Kind.EXISTS).build();
            case io.strata.core.ExpectedRevision.Exact exact ->
                    proto.setKind(io.strata.protocol.v1.ExpectedRevision.Kind.EXACT).setRevision(exact.revision()).build();
        };
    }

    public static io.strata.core.ExpectedRevision fromProto(io.strata.protocol.v1.ExpectedRevision proto) {
        return switch (proto.getKind()) {
            case ANY -> io.strata.core.ExpectedRevision.ANY;
            case NO_STREAM -> io.strata.core.ExpectedRevision.NO_STREAM;
            case EXISTS -> io.strata.core.ExpectedRevision.EXISTS;
            case EXACT -> io.strata.core.ExpectedRevision.exactly(nonNegative(proto.getRevision(), "expected revision"));
            case UNRECOGNIZED -> throw new InvalidRequestException("unknown expected revision kind " + proto.getKindValue());
        };
    }

    /**
     * The request of an append; {@code correlationId} matters only on {@code AppendStream} (0 for a unary
     * {@code Append}).
     */
    public static io.strata.protocol.v1.AppendRequest appendRequest(long correlationId, String stream,
                                                                    io.strata.core.ExpectedRevision expected,
                                                                    List<io.strata.core.EventData> events) {
        io.strata.protocol.v1.AppendRequest.Builder proto = io.strata.protocol.v1.AppendRequest.newBuilder()
                .setCorrelationId(correlationId)
                .setStream(stream)
                .setExpectedRevision(toProto(expected));
        for (io.strata.core.EventData event : events) {
            proto.addEvents(toProto(event));
        }
        return proto.build();
    }

    public static io.strata.protocol.v1.AppendResult toProto(io.strata.core.AppendResult result) {
        return io.strata.protocol.v1.AppendResult.newBuilder()
                .setStream(result.stream())
                .setFirstRevision(result.firstRevision())
                .setLastRevision(result.lastRevision())
                .setFirstPosition(result.firstPosition().value())
                .setLastPosition(result.lastPosition().value())
                .setRecordedTime(timestamp(result.recordedTime()))
                .build();
    }

    public static io.strata.core.AppendResult fromProto(io.strata.protocol.v1.AppendResult proto) {
        return new io.strata.core.AppendResult(proto.getStream(), proto.getFirstRevision(), proto.getLastRevision(),
                Position.of(proto.getFirstPosition()), Position.of(proto.getLastPosition()),
                instant(proto.getRecordedTime()));
    }

    // --- events ------------------------------------------------------------------------------

    public static io.strata.protocol.v1.RecordedEvent toProto(io.strata.core.RecordedEvent event) {
        io.strata.protocol.v1.RecordedEvent.Builder proto = io.strata.protocol.v1.RecordedEvent.newBuilder()
                .setId(event.id().toString())
                .setStream(event.stream())
                .setType(event.type())
                .setRevision(event.revision())
                .setPosition(event.position().value())
                .setRecordedTime(timestamp(event.recordedTime()))
                .setContentType(event.contentType())
                .setData(UnsafeByteOperations.unsafeWrap(event.data()))
                .setMetadata(UnsafeByteOperations.unsafeWrap(event.metadata()));
        event.validTime().ifPresent(time -> proto.setValidTime(timestamp(time)));
        return proto.build();
    }

    public static io.strata.core.RecordedEvent fromProto(io.strata.protocol.v1.RecordedEvent proto) {
        Optional<Instant> validTime = proto.hasValidTime() ? Optional.of(instant(proto.getValidTime())) : Optional.empty();
        return new io.strata.core.RecordedEvent(uuid(proto.getId(), "event id"), proto.getStream(), proto.getType(),
                proto.getRevision(), Position.of(proto.getPosition()), instant(proto.getRecordedTime()), validTime,
                proto.getContentType(), WholeArray.of(proto.getData()), WholeArray.of(proto.getMetadata()));
    }

    public static List<io.strata.core.RecordedEvent> eventsFromProto(List<io.strata.protocol.v1.RecordedEvent> protos) {
        List<io.strata.core.RecordedEvent> events = new ArrayList<>(protos.size());
        for (io.strata.protocol.v1.RecordedEvent proto : protos) {
            events.add(fromProto(proto));
        }
        return events;
    }

    // --- reads -------------------------------------------------------------------------------

    public static ReadStreamRequest toProto(String stream, ReadStreamOptions options) {
        ReadStreamRequest.Builder proto = ReadStreamRequest.newBuilder()
                .setStream(stream)
                .setFrom(options.from())
                .setDirection(toProto(options.direction()))
                .setLimit(options.limit());
        options.asOf().ifPresent(time -> proto.setAsOf(timestamp(time)));
        return proto.build();
    }

    public static ReadStreamOptions fromProto(ReadStreamRequest proto) {
        Optional<Instant> asOf = proto.hasAsOf() ? Optional.of(instant(proto.getAsOf())) : Optional.empty();
        return new ReadStreamOptions(nonNegative(proto.getFrom(), "from"), fromProto(proto.getDirection()),
                limit(proto.getLimit()), asOf);
    }

    public static ReadStreamResponse toProto(StreamSlice slice) {
        ReadStreamResponse.Builder proto = ReadStreamResponse.newBuilder()
                .setStream(slice.stream())
                .setLastRevision(slice.lastRevision());
        for (io.strata.core.RecordedEvent event : slice.events()) {
            proto.addEvents(toProto(event));
        }
        slice.next().ifPresent(proto::setNext);
        return proto.build();
    }

    public static StreamSlice fromProto(ReadStreamResponse proto) {
        return new StreamSlice(proto.getStream(), eventsFromProto(proto.getEventsList()), proto.getLastRevision(),
                proto.hasNext() ? OptionalLong.of(proto.getNext()) : OptionalLong.empty());
    }

    public static ReadAllRequest toProto(ReadAllOptions options) {
        ReadAllRequest.Builder proto = ReadAllRequest.newBuilder()
                .setFrom(options.from())
                .setDirection(toProto(options.direction()))
                .setLimit(options.limit());
        options.asOf().ifPresent(time -> proto.setAsOf(timestamp(time)));
        if (!options.filter().isAll()) {
            proto.setFilter(toProto(options.filter()));
        }
        return proto.build();
    }

    public static ReadAllOptions fromProto(ReadAllRequest proto) {
        Optional<Instant> asOf = proto.hasAsOf() ? Optional.of(instant(proto.getAsOf())) : Optional.empty();
        return new ReadAllOptions(nonNegative(proto.getFrom(), "from"), fromProto(proto.getDirection()),
                limit(proto.getLimit()), asOf, proto.hasFilter() ? fromProto(proto.getFilter()) : EventFilter.ALL);
    }

    public static ReadAllResponse toProto(AllSlice slice) {
        ReadAllResponse.Builder proto = ReadAllResponse.newBuilder();
        for (io.strata.core.RecordedEvent event : slice.events()) {
            proto.addEvents(toProto(event));
        }
        slice.next().ifPresent(next -> proto.setNext(next.value()));
        return proto.build();
    }

    public static AllSlice fromProto(ReadAllResponse proto) {
        return new AllSlice(eventsFromProto(proto.getEventsList()),
                proto.hasNext() ? Optional.of(Position.of(proto.getNext())) : Optional.empty());
    }

    public static Filter toProto(EventFilter filter) {
        Filter.Builder proto = Filter.newBuilder().addAllTypes(filter.types());
        filter.category().ifPresent(proto::setCategory);
        filter.streamPrefix().ifPresent(proto::setStreamPrefix);
        return proto.build();
    }

    public static EventFilter fromProto(Filter proto) {
        return new EventFilter(new HashSet<>(proto.getTypesList()),
                proto.hasCategory() ? Optional.of(proto.getCategory()) : Optional.empty(),
                proto.hasStreamPrefix() ? Optional.of(proto.getStreamPrefix()) : Optional.empty());
    }

    /** A subscription to {@code stream} from revision {@code from} ({@link ReadStreamOptions#END}: live only). */
    public static io.strata.protocol.v1.SubscribeToStreamRequest subscribeToStreamRequest(String stream, long from) {
        return io.strata.protocol.v1.SubscribeToStreamRequest.newBuilder().setStream(stream).setFrom(from).build();
    }

    /** A subscription to {@code $all} from position {@code from} ({@link ReadAllOptions#END}: live only). */
    public static io.strata.protocol.v1.SubscribeToAllRequest subscribeToAllRequest(long from, EventFilter filter) {
        io.strata.protocol.v1.SubscribeToAllRequest.Builder proto = io.strata.protocol.v1.SubscribeToAllRequest.newBuilder()
                .setFrom(from);
        if (!filter.isAll()) {
            proto.setFilter(toProto(filter));
        }
        return proto.build();
    }

    /** A subscription's start: a revision or position, where {@code Long.MAX_VALUE} means live only. */
    public static long from(long wireValue) {
        return nonNegative(wireValue, "from");
    }

    // --- info --------------------------------------------------------------------------------

    public static InfoResponse toProto(StoreInfo info) {
        InfoResponse.Builder proto = InfoResponse.newBuilder()
                .setVersion(info.version())
                .setEngine(info.engine())
                .setDurability(info.durability().wireName())
                .setStreams(info.streams())
                .setEvents(info.events())
                .setStartedAt(timestamp(info.startedAt()))
                .setDedupWindow(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(info.dedupWindow().getSeconds())
                        .setNanos(info.dedupWindow().getNano()))
                .setDedupWindowEvents(info.dedupWindowEvents());
        info.headPosition().ifPresent(head -> proto.setHeadPosition(head.value()));
        return proto.build();
    }

    public static StoreInfo fromProto(InfoResponse proto) {
        return new StoreInfo(proto.getVersion(), proto.getEngine(), Durability.parse(proto.getDurability()),
                proto.hasHeadPosition() ? Optional.of(Position.of(proto.getHeadPosition())) : Optional.empty(),
                proto.getStreams(), proto.getEvents(), instant(proto.getStartedAt()),
                Duration.ofSeconds(proto.getDedupWindow().getSeconds(), proto.getDedupWindow().getNanos()),
                proto.getDedupWindowEvents());
    }

    // --- scalars -----------------------------------------------------------------------------

    public static Timestamp timestamp(Instant time) {
        return Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()).build();
    }

    public static Instant instant(Timestamp timestamp) {
        try {
            return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
        } catch (RuntimeException e) {
            throw new InvalidRequestException("not a valid timestamp: " + timestamp.getSeconds() + " s "
                    + timestamp.getNanos() + " ns");
        }
    }

    private static io.strata.protocol.v1.Direction toProto(Direction direction) {
        return direction == Direction.FORWARD ? io.strata.protocol.v1.Direction.FORWARD : io.strata.protocol.v1.Direction.BACKWARD;
    }

    private static Direction fromProto(io.strata.protocol.v1.Direction direction) {
        return switch (direction) {
            case FORWARD -> Direction.FORWARD;
            case BACKWARD -> Direction.BACKWARD;
            case UNRECOGNIZED -> throw new InvalidRequestException("unknown direction");
        };
    }

    private static UUID uuid(String text, String what) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(what + " must be a UUID, got '" + text + "'");
        }
    }

    /** A uint64 from the wire: Java reads values of 2^63 and more as negative longs. */
    private static long nonNegative(long wireValue, String what) {
        if (wireValue < 0) {
            throw new InvalidRequestException(what + " is over the largest value, " + Long.MAX_VALUE + ": got "
                    + Long.toUnsignedString(wireValue));
        }
        return wireValue;
    }

    /** 0 (unset) means the default page size. */
    private static int limit(int wireLimit) {
        if (wireLimit == 0) {
            return ReadStreamOptions.DEFAULT_LIMIT;
        }
        if (wireLimit < 0) {
            throw new InvalidRequestException("limit is over the largest value, " + Integer.MAX_VALUE + ": got "
                    + Integer.toUnsignedString(wireLimit));
        }
        return wireLimit;
    }

    /**
     * The bytes of a {@link ByteString} as an array, without copying them when the ByteString is backed by a
     * whole array of its own: what protobuf makes of a {@code bytes} field it parses (it copies the field out
     * of its read buffer into a new array of exactly that size). Any other ByteString is copied.
     *
     * <p>Design note: the server maps every event of every append from its message, and the client every
     * event it reads or is sent; the copy that
     * {@link ByteString#toByteArray()} makes allocated a second array of each event's data (272 bytes for a
     * 256-byte event, 27 KB per 100-event append) that is never written: the ByteString is immutable and
     * goes away with its message. Only for ByteStrings nobody writes to: protobuf's own, or ones wrapped by
     * {@link UnsafeByteOperations} over arrays that are not changed afterwards (as this project does).
     *
     * <p>Not thread-safe: one instance per call, used once.
     */
    private static final class WholeArray extends ByteOutput {
        private static final byte[] NONE = new byte[0];

        private byte[] array;
        private boolean whole = true;

        private WholeArray() {
        }

        /** The bytes of {@code bytes}; its own backing array when that holds exactly these bytes. */
        static byte[] of(ByteString bytes) {
            if (bytes.isEmpty()) {
                return NONE;
            }
            WholeArray output = new WholeArray();
            try {
                UnsafeByteOperations.unsafeWriteTo(bytes, output);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // this output never throws
            }
            return output.whole && output.array != null ? output.array : bytes.toByteArray();
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
            if (array == null && offset == 0 && length == value.length) {
                array = value;
            } else {
                whole = false;
            }
        }

        @Override
        public void write(byte value) {
            whole = false;
        }

        @Override
        public void write(byte[] value, int offset, int length) {
            whole = false;
        }

        @Override
        public void write(ByteBuffer value) {
            whole = false;
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            whole = false;
        }
    }
}
