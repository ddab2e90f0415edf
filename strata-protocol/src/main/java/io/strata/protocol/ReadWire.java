package io.strata.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;
import io.strata.core.AllSlice;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamSlice;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code ReadAll} and {@code ReadStream} as a client receives them: the answer's bytes decoded straight
 * into an {@link AllSlice} or {@link StreamSlice} by a {@link RecordedEventDecoder}, without the generated
 * message classes. The result is the one {@link ProtoMapping#fromProto(ReadAllResponse)} (or its stream
 * twin) gives for the same bytes.
 *
 * <p>Design note: a catch-up read of {@code $all} over gRPC (W4) spends most of the client's time turning
 * pages of 1,000 events into objects twice, generated messages and then core events; see
 * {@link SubscriptionWire} for the same on subscriptions.
 */
public final class ReadWire {
    private static final int ALL_EVENTS_TAG = tag(ReadAllResponse.EVENTS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ALL_NEXT_TAG = tag(ReadAllResponse.NEXT_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int STREAM_NAME_TAG = tag(ReadStreamResponse.STREAM_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int STREAM_EVENTS_TAG = tag(ReadStreamResponse.EVENTS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int STREAM_LAST_REVISION_TAG = tag(ReadStreamResponse.LAST_REVISION_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int STREAM_NEXT_TAG = tag(ReadStreamResponse.NEXT_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);

    private ReadWire() {
    }

    /** {@code method} (the generated ReadAll) answering an {@link AllSlice}; one descriptor per call. */
    public static <Q> MethodDescriptor<Q, AllSlice> readAllOneCall(MethodDescriptor<Q, ReadAllResponse> method) {
        return method.toBuilder(method.getRequestMarshaller(), new DecodingMarshaller<>(ReadWire::allSlice, "a ReadAll answer")).build();
    }

    /** {@code method} (the generated ReadStream) answering a {@link StreamSlice}; one descriptor per call. */
    public static <Q> MethodDescriptor<Q, StreamSlice> readStreamOneCall(MethodDescriptor<Q, ReadStreamResponse> method) {
        return method.toBuilder(method.getRequestMarshaller(), new DecodingMarshaller<>(ReadWire::streamSlice, "a ReadStream answer")).build();
    }

    private static AllSlice allSlice(CodedInputStream in, RecordedEventDecoder decoder) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        OptionalLong next = OptionalLong.empty();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == ALL_EVENTS_TAG) {
                events.add(decoder.readEvent(in));
            } else if (tag == ALL_NEXT_TAG) {
                next = OptionalLong.of(in.readUInt64());
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return new AllSlice(events, next.isPresent() ? Optional.of(Position.of(next.getAsLong())) : Optional.empty());
    }

    private static StreamSlice streamSlice(CodedInputStream in, RecordedEventDecoder decoder) throws IOException {
        String stream = "";
        List<RecordedEvent> events = new ArrayList<>();
        long lastRevision = 0;
        OptionalLong next = OptionalLong.empty();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == STREAM_EVENTS_TAG) {
                events.add(decoder.readEvent(in));
            } else if (tag == STREAM_NAME_TAG) {
                stream = in.readStringRequireUtf8();
            } else if (tag == STREAM_LAST_REVISION_TAG) {
                lastRevision = in.readUInt64();
            } else if (tag == STREAM_NEXT_TAG) {
                next = OptionalLong.of(in.readUInt64());
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return new StreamSlice(stream, events, lastRevision, next);
    }

    private static int tag(int field, int wireType) {
        return field << 3 | wireType; // WireFormat.makeTag is not public
    }

}
