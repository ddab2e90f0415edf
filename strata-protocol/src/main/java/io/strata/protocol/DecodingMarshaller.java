package io.strata.protocol;

import com.google.protobuf.CodedInputStream;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.EOFException;
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

    /**
     * The whole message. gRPC's stream knows its length: one read into an array of that size, where
     * {@code readAllBytes} read it in chunks and copied them together (5 % of the client's CPU-time
     * samples in W6 over gRPC).
     */
    private static byte[] bytesOf(InputStream stream) throws IOException {
        if (!(stream instanceof KnownLength)) {
            return stream.readAllBytes();
        }
        byte[] bytes = new byte[stream.available()];
        int read = 0;
        while (read < bytes.length) {
            int n = stream.read(bytes, read, bytes.length - read);
            if (n < 0) {
                throw new EOFException("the message ended after " + read + " of its " + bytes.length + " bytes");
            }
            read += n;
        }
        return bytes;
    }

    @Override
    public T parse(InputStream stream) {
        try {
            return reader.read(CodedInputStream.newInstance(bytesOf(stream)), decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " that does not parse: " + e.getMessage(), e);
        }
    }
}
