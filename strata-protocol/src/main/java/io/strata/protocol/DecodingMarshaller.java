package io.strata.protocol;

import com.google.protobuf.CodedInputStream;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A receive-only marshaller for one client call: the answer's bytes read by {@code reader}, with a
 * {@link RecordedEventDecoder} of the call's own (gRPC parses a call's messages one at a time).
 */
final class DecodingMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    /** Reads one whole message; tolerant of unknown fields and field order, like generated code. */
    interface Reader<T> {
        T read(CodedInputStream in, RecordedEventDecoder decoder) throws IOException;
    }

    private final RecordedEventDecoder decoder = new RecordedEventDecoder();
    private final Reader<T> reader;
    private final String what;

    /** @param what the message, for errors: "a subscription message" */
    DecodingMarshaller(Reader<T> reader, String what) {
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
            return reader.read(CodedInputStream.newInstance(MessageBytes.read(stream)), decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " that does not parse: " + e.getMessage(), e);
        }
    }
}
