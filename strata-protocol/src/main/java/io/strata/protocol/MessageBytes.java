package io.strata.protocol;

import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A received message's bytes, as the hand-written client marshallers read them: one read into an array of
 * the message's length when gRPC knows it, where {@code readAllBytes} read in chunks and copied them
 * together (5 % of the client's CPU-time samples in W6 over gRPC). Bytes already read can be handed on
 * ({@link #stream}) and read again without a copy.
 */
public final class MessageBytes {
    private MessageBytes() {
    }

    /** The whole message in {@code stream}. */
    public static byte[] read(InputStream stream) throws IOException {
        if (stream instanceof Whole whole && whole.unread()) {
            return whole.takeAll();
        }
        if (!(stream instanceof KnownLength)) {
            return stream.readAllBytes();
        }
        byte[] bytes = new byte[stream.available()];
        readFully(stream, bytes, bytes.length);
        return bytes;
    }

    /**
     * The length of the whole message in {@code stream} when gRPC knows it and the bytes are still to be
     * copied (not an array {@linkplain #stream handed on}), else -1.
     */
    static int lengthToCopy(InputStream stream) throws IOException {
        if (stream instanceof Whole || !(stream instanceof KnownLength)) {
            return -1;
        }
        return stream.available();
    }

    /** Reads {@code length} bytes of {@code stream} into the start of {@code into}. */
    static void readFully(InputStream stream, byte[] into, int length) throws IOException {
        int read = 0;
        while (read < length) {
            int n = stream.read(into, read, length - read);
            if (n < 0) {
                throw new EOFException("the message ended after " + read + " of its " + length + " bytes");
            }
            read += n;
        }
    }

    /** {@code bytes} (a whole message, not to be changed) as gRPC hands a message on: with its length known. */
    public static InputStream stream(byte[] bytes) {
        return new Whole(bytes);
    }

    private static final class Whole extends ByteArrayInputStream implements KnownLength {
        Whole(byte[] bytes) {
            super(bytes);
        }

        synchronized boolean unread() {
            return pos == 0;
        }

        /** The array itself, as if read to its end. */
        synchronized byte[] takeAll() {
            pos = count;
            return buf;
        }
    }
}
