package io.strata.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SSE framing as a browser reads it (the HTML standard's event-stream rules), whatever way the bytes
 * are split across reads: every test runs with reads of 1 to 16 KiB bytes at a time.
 */
class SseParserTest {
    private record Message(String name, String id, String data) {
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 16 * 1024})
    void messagesCommentsAndLineEndingsOfEveryKind(int bytesPerRead) throws IOException {
        String stream = ": keep-alive\n\n"
                + "id:0\nevent:event\ndata:{\"a\":1}\n\n"            // the server's own form
                + "id: 1\r\nevent: event\r\ndata: {\"b\":2}\r\n\r\n"   // a space after the colon, CRLF
                + "data:first\rdata:second\r\r"                      // CR alone; data lines join with LF
                + "event:caught-up\ndata:{}\n\n"
                + "event:ignored-without-data\nretry:10\n\n"         // no data: not dispatched
                + "data\n\n";                                         // a field without a colon: empty data

        List<Message> messages = parse(stream, bytesPerRead);

        assertThat(messages).containsExactly(
                new Message("event", "0", "{\"a\":1}"),
                new Message("event", "1", "{\"b\":2}"),
                new Message("message", "1", "first\nsecond"),       // the id persists
                new Message("caught-up", "1", "{}"),
                new Message("message", "1", ""));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 16 * 1024})
    void aLongDataLineAndMultiByteCharactersArriveWhole(int bytesPerRead) throws IOException {
        String data = "{\"text\":\"" + "é€😀".repeat(2_000) + "\"}"; // longer than the parser's first buffers
        List<Message> messages = parse("id:7\ndata:" + data + "\n\n", bytesPerRead);

        assertThat(messages).containsExactly(new Message("message", "7", data));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16 * 1024})
    void anUnfinishedMessageAtTheEndIsNotDispatched(int bytesPerRead) throws IOException {
        assertThat(parse("data:complete\n\ndata:cut off\n", bytesPerRead)).containsExactly(new Message("message", null, "complete"));
    }

    /** The eight-bytes-at-a-time search finds what a byte-by-byte one finds, wherever CR and LF fall. */
    @Test
    void theLineEndSearchFindsTheFirstCrOrLf() {
        Random random = new Random(11);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                int kind = random.nextInt(20);
                bytes[i] = kind == 0 ? (byte) '\n' : kind == 1 ? (byte) '\r' : (byte) random.nextInt(256);
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            int to = from + random.nextInt(bytes.length - from + 1);

            assertThat(SseParser.nextLineEnd(bytes, from, to)).as("round %d", round).isEqualTo(byteByByte(bytes, from, to));
        }
    }

    private static int byteByByte(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                return i;
            }
        }
        return to;
    }

    private static List<Message> parse(String stream, int bytesPerRead) throws IOException {
        List<Message> messages = new ArrayList<>();
        InputStream in = new FewBytesAtATime(stream.getBytes(StandardCharsets.UTF_8), bytesPerRead);
        new SseParser(in, (name, id, data, length) -> messages.add(new Message(name, id, new String(data, 0, length, StandardCharsets.UTF_8)))).run();
        return messages;
    }

    /** Hands out at most {@code perRead} bytes per read, so that lines and CRLF pairs split across reads. */
    private static final class FewBytesAtATime extends ByteArrayInputStream {
        private final int perRead;

        FewBytesAtATime(byte[] bytes, int perRead) {
            super(bytes);
            this.perRead = perRead;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, perRead));
        }
    }
}
