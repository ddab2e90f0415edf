package io.strata.protocol;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.IOException;

/**
 * A message a server has already encoded: gRPC sends its bytes as they are. A method descriptor re-typed
 * with {@link #MARSHALLER} answers with these instead of generated messages; the bytes on the wire are the
 * same, so clients see no difference.
 *
 * @param bytes the message's protobuf encoding; only read
 */
public record EncodedMessage(byte[] bytes) {
    /** Sends an {@link EncodedMessage}'s bytes; a server never parses one. */
    public static final MethodDescriptor.Marshaller<EncodedMessage> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(EncodedMessage message) {
            return new Stream(message.bytes());
        }

        @Override
        public EncodedMessage parse(InputStream stream) {
            throw new UnsupportedOperationException("encoded messages are only sent");
        }
    };

    /** Its length known up front and drained straight into the transport's buffers, as gRPC prefers. */
    private static final class Stream extends ByteArrayInputStream implements Drainable, KnownLength {
        Stream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int drainTo(OutputStream target) throws IOException {
            int length = count - pos;
            target.write(buf, pos, length);
            pos = count;
            return length;
        }
    }
}
