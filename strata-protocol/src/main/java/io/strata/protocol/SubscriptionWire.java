package io.strata.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.strata.core.RecordedEvent;
import io.strata.protocol.v1.SubscriptionMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code SubscriptionMessage}s of {@code SubscribeToStream} and {@code SubscribeToAll}, without the
 * generated message classes on either side: the server writes events it encoded once for all its
 * subscribers, the client decodes them straight into {@link RecordedEvent}s. The bytes on the wire are
 * exactly {@code SubscriptionMessage}'s, so any other gRPC client reads them as usual.
 *
 * <pre>
 *   server: Outgoing(encoded events, caughtUp) ──► field 1 (tag, length, bytes) per event, field 2 ──► wire
 *   client: wire ──► Incoming(events decoded by a RecordedEventDecoder of the call's own, caughtUp)
 * </pre>
 *
 * <p>Design note: in W6 over gRPC (100 subscribers, 10,000 events/s, 1 M deliveries/s, server and client
 * in one process) building and serialising a {@code SubscriptionMessage} per batch was 25 % of the
 * server's sending threads' CPU-time samples (every event's fields written and its strings encoded again
 * per subscriber), and parsing one plus {@code ProtoMapping.fromProto} 66 % of the client's delivering
 * threads'. Here the server copies bytes and the client skips the builders: warm (the third of three runs
 * in one JVM), W6 over gRPC went from p50 20.0 ms, p99 180 ms to p50 11.4 ms, p99 50.1 ms
 * ({@code docs/benchmarks.md}, fourth session).
 */
public final class SubscriptionWire {
    private static final int EVENTS = SubscriptionMessage.EVENTS_FIELD_NUMBER;
    private static final int CAUGHT_UP = SubscriptionMessage.CAUGHT_UP_FIELD_NUMBER;
    private static final int EVENT_TAG = EVENTS << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int CAUGHT_UP_TAG = CAUGHT_UP << 3 | WireFormat.WIRETYPE_VARINT;
    private static final Outgoing.Marshaller OUTGOING = new Outgoing.Marshaller();

    private SubscriptionWire() {
    }

    /**
     * What a server sends: events encoded as {@code strata.v1.RecordedEvent} messages (each array is only
     * read), and whether the subscription has caught up with the last of them.
     */
    public record Outgoing(List<byte[]> events, boolean caughtUp) {
        /** The bytes this message takes in its field of {@code SubscriptionMessage}: tag, length, message. */
        public static int fieldBytes(byte[] encodedEvent) {
            return ReadWire.fieldBytes(EVENTS, encodedEvent);
        }

        int serializedBytes() {
            int bytes = caughtUp ? CodedOutputStream.computeBoolSize(CAUGHT_UP, true) : 0;
            for (byte[] event : events) {
                bytes += fieldBytes(event);
            }
            return bytes;
        }

        private static final class Marshaller implements MethodDescriptor.Marshaller<Outgoing> {
            @Override
            public InputStream stream(Outgoing message) {
                return new OutgoingStream(message);
            }

            @Override
            public Outgoing parse(InputStream stream) {
                throw new UnsupportedOperationException("a server only sends subscription messages");
            }
        }
    }

    /** What a client gets: the events, decoded, and whether the subscription has caught up with the last of them. */
    public record Incoming(List<RecordedEvent> events, boolean caughtUp) {
    }

    /** {@code method} (a generated subscribe method) as a server sends it: with {@link Outgoing} messages. */
    public static <Q> MethodDescriptor<Q, Outgoing> serving(MethodDescriptor<Q, SubscriptionMessage> method) {
        return method.toBuilder(method.getRequestMarshaller(), OUTGOING).build();
    }

    /**
     * {@code method} as one client call receives it: {@link Incoming} messages, decoded by a decoder of
     * this descriptor's own, which shares the events it decodes with the client's other calls through
     * {@code shared} (null: with none). A call parses its messages one at a time, so use one descriptor per call.
     */
    public static <Q> MethodDescriptor<Q, Incoming> receivingOneCall(MethodDescriptor<Q, SubscriptionMessage> method,
                                                                     DecodedEventCache shared) {
        return method.toBuilder(method.getRequestMarshaller(),
                new DecodingMarshaller<>(SubscriptionWire::incoming, "a subscription message", shared)).build();
    }

    private static Incoming incoming(CodedInputStream in, RecordedEventDecoder decoder) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        boolean caughtUp = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == EVENT_TAG) {
                events.add(decoder.readEvent(in));
            } else if (tag == CAUGHT_UP_TAG) {
                caughtUp = in.readBool();
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return new Incoming(events, caughtUp);
    }

    /**
     * An {@link Outgoing} as gRPC takes it: its length known up front, and drained straight into the
     * transport's buffers (one copy of each event's bytes); read as a stream only by code that does not
     * drain, for which it makes the bytes once.
     */
    private static final class OutgoingStream extends InputStream implements Drainable, KnownLength {
        private Outgoing message;
        private final int length;
        private ByteArrayInputStream materialized;

        OutgoingStream(Outgoing message) {
            this.message = message;
            this.length = message.serializedBytes();
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            if (materialized != null) {
                return (int) materialized.transferTo(target);
            }
            Outgoing draining = message;
            message = null;
            if (draining == null) {
                return 0;
            }
            byte[] head = new byte[6]; // a one-byte tag and a varint length of at most five bytes
            for (byte[] event : draining.events()) {
                target.write(head, 0, writeHead(head, event.length));
                target.write(event);
            }
            if (draining.caughtUp()) {
                head[0] = (byte) CAUGHT_UP_TAG;
                head[1] = 1;
                target.write(head, 0, 2);
            }
            return length;
        }

        /** The event field's tag (one byte: field 1, length-delimited) and the varint of its length. */
        private static int writeHead(byte[] head, int eventBytes) {
            int at = 0;
            head[at++] = (byte) EVENT_TAG;
            int rest = eventBytes;
            while ((rest & ~0x7F) != 0) {
                head[at++] = (byte) ((rest & 0x7F) | 0x80);
                rest >>>= 7;
            }
            head[at++] = (byte) rest;
            return at;
        }

        @Override
        public int available() {
            if (materialized != null) {
                return materialized.available();
            }
            return message == null ? 0 : length;
        }

        @Override
        public int read() throws IOException {
            return materialize().read();
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            return materialize().read(buffer, offset, count);
        }

        private ByteArrayInputStream materialize() throws IOException {
            if (materialized == null) {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(length);
                drainTo(bytes);
                materialized = new ByteArrayInputStream(bytes.toByteArray());
            }
            return materialized;
        }
    }
}
