package io.strata.client;

import java.io.IOException;
import java.io.InputStream;
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

    private final InputStream in;
    private final Messages messages;
    private final byte[] buffer = new byte[16 * 1024];
    private byte[] line = new byte[1024];
    private int lineLength;
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
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b != '\n' && b != '\r') {
                    continue;
                }
                boolean secondHalfOfCrLf = b == '\n' && afterCarriageReturn && i == lineStart && lineLength == 0;
                afterCarriageReturn = b == '\r';
                if (!secondHalfOfCrLf) {
                    append(buffer, lineStart, i - lineStart);
                    line();
                    lineLength = 0;
                }
                lineStart = i + 1;
            }
            if (lineStart < n) {
                afterCarriageReturn = false;
                append(buffer, lineStart, n - lineStart);
            }
        }
    }

    private void append(byte[] bytes, int offset, int length) {
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(bytes, offset, line, lineLength, length);
        lineLength += length;
    }

    private void line() throws IOException {
        if (lineLength == 0) {
            if (dataLength >= 0) {
                messages.message(name == null ? "message" : name, id, data, dataLength);
            }
            name = null;
            dataLength = -1;
            return;
        }
        if (line[0] == ':') {
            return; // a comment, such as the server's keep-alive
        }
        int colon = 0;
        while (colon < lineLength && line[colon] != ':') {
            colon++;
        }
        int valueStart = colon < lineLength ? colon + 1 : lineLength;
        if (valueStart < lineLength && line[valueStart] == ' ') {
            valueStart++;
        }
        int valueLength = lineLength - valueStart;
        if (isField(DATA, colon)) {
            int joined = dataLength < 0 ? valueLength : dataLength + 1 + valueLength;
            if (joined > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, joined));
            }
            if (dataLength >= 0) {
                data[dataLength++] = '\n';
            } else {
                dataLength = 0;
            }
            System.arraycopy(line, valueStart, data, dataLength, valueLength);
            dataLength += valueLength;
        } else if (isField(EVENT, colon)) {
            name = new String(line, valueStart, valueLength, StandardCharsets.UTF_8);
        } else if (isField(ID, colon)) {
            id = new String(line, valueStart, valueLength, StandardCharsets.UTF_8);
        }
        // "retry" and unknown fields are ignored: the reconnection delay is this client's own
    }

    private boolean isField(byte[] field, int nameLength) {
        return nameLength == field.length && Arrays.equals(line, 0, nameLength, field, 0, nameLength);
    }
}
