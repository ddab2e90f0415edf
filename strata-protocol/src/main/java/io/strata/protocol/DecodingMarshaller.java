package io.strata.protocol;

import com.google.protobuf.CodedInputStream;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A receive-only marshaller for one client call: the answer's bytes read by {@code reader}, with a
 * {@link RecordedEventDecoder} of the call's own (gRPC parses a call's messages one at a time).
 *
 * <p>A message of up to {@link #KEPT_BUFFER_BYTES} is copied out of gRPC's buffers into an array the call
 * keeps for the next one, rather than into a new array each time: in W6 over gRPC (100 subscriptions,
 * each sent batches of a few events, 1 M events/s decoded) those arrays were 30 % of all the bytes the
 * process allocated. The decoder copies what it keeps ({@code data}, strings), so no event refers to it.
 * Larger messages (read pages, a subscription's history) get an array of their own, so that an idle
 * subscription holds at most this much.
 */
final class DecodingMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    static final int KEPT_BUFFER_BYTES = 64 << 10;

    /** Reads one whole message; tolerant of unknown fields and field order, like generated code. */
    interface Reader<T> {
        T read(CodedInputStream in, RecordedEventDecoder decoder) throws IOException;
    }

    private final RecordedEventDecoder decoder;
    private final Reader<T> reader;
    private final String what;
    private byte[] kept = new byte[0];

    /** @param what the message, for errors: "a subscription message" */
    DecodingMarshaller(Reader<T> reader, String what) {
        this(reader, what, null);
    }

    /** One whose events are looked up in, and kept for other calls in, {@code shared} (may be null). */
    DecodingMarshaller(Reader<T> reader, String what, DecodedEventCache shared) {
        this.decoder = new RecordedEventDecoder(shared);
        this.reader = reader;
        this.what = what;
    }

    @Override
    public InputStream stream(T value) {
        throw new UnsupportedOperationException("a client only receives " + what);
    }

    @Override
    public T parse(InputStream stream) {
        try {
            return reader.read(input(stream), decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " that does not parse: " + e.getMessage(), e);
        } finally {
            decoder.readingFrom(null, 0, 0); // no event may be looked up in bytes of a message read before
        }
    }

    /** The size of the array kept for the next message. */
    int keptBytes() {
        return kept.length;
    }

    private CodedInputStream input(InputStream stream) throws IOException {
        int length = MessageBytes.lengthToCopy(stream);
        if (length < 0 || length > KEPT_BUFFER_BYTES) {
            byte[] whole = MessageBytes.read(stream);
            decoder.readingFrom(whole, 0, whole.length);
            return CodedInputStream.newInstance(whole);
        }
        if (kept.length < length) {
            kept = new byte[Math.min(KEPT_BUFFER_BYTES, Math.max(length, 2 * kept.length))];
        }
        MessageBytes.readFully(stream, kept, length);
        decoder.readingFrom(kept, 0, length);
        return CodedInputStream.newInstance(kept, 0, length);
    }
}
