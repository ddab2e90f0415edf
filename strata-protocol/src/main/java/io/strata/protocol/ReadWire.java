package io.strata.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
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
 * {@code ReadAll} and {@code ReadStream} answers without the generated message classes, on both sides.
 * A client decodes an answer's bytes straight into an {@link AllSlice} or {@link StreamSlice} with a
 * {@link RecordedEventDecoder}: the result is the one {@link ProtoMapping#fromProto(ReadAllResponse)} (or
 * its stream twin) gives for the same bytes. A server puts a page of events its {@link RecordedEventEncoder}
 * wrote together ({@link #allPage}, {@link #streamPage}): the bytes are the ones the generated classes
 * write for the same fields.
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

    /** {@code method} (the generated ReadAll or ReadStream) as a server answers it: with pages it encoded itself. */
    public static <Q> MethodDescriptor<Q, EncodedMessage> serving(MethodDescriptor<Q, ?> method) {
        return method.toBuilder(method.getRequestMarshaller(), EncodedMessage.MARSHALLER).build();
    }

    /**
     * A {@code ReadAllResponse} of {@code events} (each a {@code RecordedEvent} message, as
     * {@link RecordedEventEncoder} writes them) and {@code next} (absent when empty): the bytes the generated
     * class would write for the same fields.
     */
    public static EncodedMessage allPage(List<byte[]> events, OptionalLong next) {
        int size = repeatedMessagesSize(ReadAllResponse.EVENTS_FIELD_NUMBER, events)
                + optionalUInt64Size(ReadAllResponse.NEXT_FIELD_NUMBER, next);
        return encode(size, out -> {
            writeMessages(out, ReadAllResponse.EVENTS_FIELD_NUMBER, events);
            writeOptionalUInt64(out, ReadAllResponse.NEXT_FIELD_NUMBER, next);
        });
    }

    /** A {@code ReadStreamResponse}, as {@link #allPage} writes a {@code ReadAllResponse}. */
    public static EncodedMessage streamPage(String stream, List<byte[]> events, long lastRevision, OptionalLong next) {
        int size = (stream.isEmpty() ? 0 : CodedOutputStream.computeStringSize(ReadStreamResponse.STREAM_FIELD_NUMBER, stream))
                + repeatedMessagesSize(ReadStreamResponse.EVENTS_FIELD_NUMBER, events)
                + (lastRevision == 0 ? 0 : CodedOutputStream.computeUInt64Size(ReadStreamResponse.LAST_REVISION_FIELD_NUMBER, lastRevision))
                + optionalUInt64Size(ReadStreamResponse.NEXT_FIELD_NUMBER, next);
        return encode(size, out -> {
            if (!stream.isEmpty()) {
                out.writeString(ReadStreamResponse.STREAM_FIELD_NUMBER, stream);
            }
            writeMessages(out, ReadStreamResponse.EVENTS_FIELD_NUMBER, events);
            if (lastRevision != 0) {
                out.writeUInt64(ReadStreamResponse.LAST_REVISION_FIELD_NUMBER, lastRevision);
            }
            writeOptionalUInt64(out, ReadStreamResponse.NEXT_FIELD_NUMBER, next);
        });
    }

    /** The bytes of {@code encodedEvents} as a repeated message field: a tag and a length before each. */
    private static int repeatedMessagesSize(int field, List<byte[]> encodedEvents) {
        int size = 0;
        for (byte[] event : encodedEvents) {
            size += fieldBytes(field, event);
        }
        return size;
    }

    /** The bytes one {@code encodedEvent} takes as message field {@code field}: tag, length, message. */
    public static int fieldBytes(int field, byte[] encodedEvent) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(encodedEvent.length)
                + encodedEvent.length;
    }

    private static int optionalUInt64Size(int field, OptionalLong value) {
        return value.isPresent() ? CodedOutputStream.computeUInt64Size(field, value.getAsLong()) : 0;
    }

    private static void writeMessages(CodedOutputStream out, int field, List<byte[]> encodedEvents) throws IOException {
        for (byte[] event : encodedEvents) {
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(event.length);
            out.writeRawBytes(event);
        }
    }

    private static void writeOptionalUInt64(CodedOutputStream out, int field, OptionalLong value) throws IOException {
        if (value.isPresent()) {
            out.writeUInt64(field, value.getAsLong());
        }
    }

    private interface Fields {
        void writeTo(CodedOutputStream out) throws IOException;
    }

    private static EncodedMessage encode(int size, Fields fields) {
        byte[] bytes = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            fields.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("a page's own size was computed wrong: " + e.getMessage(), e);
        }
        return new EncodedMessage(bytes);
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
