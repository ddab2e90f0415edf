package io.strata.client;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Server-Sent Events framing, as browsers read it: lines end in LF, CRLF or CR; fields until a
 * blank line make one message; {@code data} lines join with LF; lines starting with ':' are
 * comments; the {@code id} field persists until the next one; a message without data is not
 * dispatched. Works on bytes, without a copy per line or per message: the data is UTF-8 JSON, handed
 * on in the parser's own buffer. Not thread-safe.
 */
final class SseParser {
    interface Messages {
        /**
         * One message: its event name ({@code message} when none), its last event id (or null), and its data,
         * {@code data[0, length)}. The array is the parser's own and is reused for the next message: copy what
         * is kept.
         */
        void message(String name, String id, byte[] data, int length) throws IOException;
    }

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LF_BYTES = 0x0A0A0A0A0A0A0A0AL;
    private static final long CR_BYTES = 0x0D0D0D0D0D0D0D0DL;
    private static final long ONE_IN_EVERY_BYTE = 0x0101010101010101L;
    private static final long HIGH_BIT_OF_EVERY_BYTE = 0x8080808080808080L;

    private final InputStream in;
    private final Messages messages;
    private final byte[] buffer = new byte[16 * 1024];
    /** The start of a line split across reads, kept until its end arrives; empty otherwise. */
    private byte[] splitLine = new byte[1024];
    private int splitLineLength;
    private byte[] data = new byte[1024];
    private int dataLength = -1; // -1: no data field yet in this message
    private String name;
    private String id;
    private boolean afterCarriageReturn;

    SseParser(InputStream in, Messages messages) {
        this.in = in;
        this.messages = messages;
    }

    /** Reads messages until the stream ends. */
    void run() throws IOException {
        int n;
        while ((n = in.read(buffer)) >= 0) {
            int lineStart = 0;
            int end;
            while ((end = nextLineEnd(buffer, lineStart, n)) < n) {
                byte b = buffer[end];
                boolean secondHalfOfCrLf = b == '\n' && afterCarriageReturn && end == lineStart && splitLineLength == 0;
                afterCarriageReturn = b == '\r';
                if (!secondHalfOfCrLf) {
                    if (splitLineLength == 0) {
                        line(buffer, lineStart, end - lineStart); // the whole line is in this read: no copy
                    } else {
                        append(buffer, lineStart, end - lineStart);
                        line(splitLine, 0, splitLineLength);
                        splitLineLength = 0;
                    }
                }
                lineStart = end + 1;
            }
            if (lineStart < n) {
                afterCarriageReturn = false;
                append(buffer, lineStart, n - lineStart);
            }
        }
    }

    /**
     * Where the first CR or LF of {@code bytes[from, to)} is, or {@code to}. Eight bytes at a time: a byte
     * equal to CR or LF is a zero byte of the word XOR that byte repeated, and the lowest zero byte of a word
     * is found exactly by the classic has-zero-byte test (its false positives only ever lie above a true
     * one). Why: the byte-at-a-time loop and a copy of every line were a third of W6 over HTTP's
     * CPU-time samples once decoding was shared (docs/benchmarks.md, seventeenth session).
     */
    static int nextLineEnd(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            long found = zeroBytes(word ^ LF_BYTES) | zeroBytes(word ^ CR_BYTES);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                return i;
            }
        }
        return to;
    }

    /** The high bit of every zero byte of {@code word} is set, and of no byte below the lowest zero byte. */
    private static long zeroBytes(long word) {
        return (word - ONE_IN_EVERY_BYTE) & ~word & HIGH_BIT_OF_EVERY_BYTE;
    }

    private void append(byte[] bytes, int offset, int length) {
        if (splitLineLength + length > splitLine.length) {
            splitLine = Arrays.copyOf(splitLine, Math.max(splitLine.length * 2, splitLineLength + length));
        }
        System.arraycopy(bytes, offset, splitLine, splitLineLength, length);
        splitLineLength += length;
    }

    /** One line, {@code bytes[from, from + length)}, without its line end. */
    private void line(byte[] bytes, int from, int length) throws IOException {
        if (length == 0) {
            if (dataLength >= 0) {
                messages.message(name == null ? "message" : name, id, data, dataLength);
            }
            name = null;
            dataLength = -1;
            return;
        }
        if (bytes[from] == ':') {
            return; // a comment, such as the server's keep-alive
        }
        int end = from + length;
        int colon = from;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        int valueStart = colon < end ? colon + 1 : end;
        if (valueStart < end && bytes[valueStart] == ' ') {
            valueStart++;
        }
        int valueLength = end - valueStart;
        int nameLength = colon - from;
        if (isField(DATA, bytes, from, nameLength)) {
            int joined = dataLength < 0 ? valueLength : dataLength + 1 + valueLength;
            if (joined > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, joined));
            }
            if (dataLength >= 0) {
                data[dataLength++] = '\n';
            } else {
                dataLength = 0;
            }
            System.arraycopy(bytes, valueStart, data, dataLength, valueLength);
            dataLength += valueLength;
        } else if (isField(EVENT, bytes, from, nameLength)) {
            // The server names its event messages "event" as well: no new string for each of them.
            name = isField(EVENT, bytes, valueStart, valueLength) ? "event"
                    : new String(bytes, valueStart, valueLength, StandardCharsets.UTF_8);
        } else if (isField(ID, bytes, from, nameLength)) {
            id = new String(bytes, valueStart, valueLength, StandardCharsets.UTF_8);
        }
        // "retry" and unknown fields are ignored: the reconnection delay is this client's own
    }

    private static boolean isField(byte[] field, byte[] bytes, int from, int length) {
        return length == field.length && Arrays.equals(bytes, from, from + length, field, 0, length);
    }
}
