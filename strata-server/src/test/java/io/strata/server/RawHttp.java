package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a raw socket, for requests no HTTP client would send (oversized, malformed, stalled)
 * and for reading the answer exactly as the server wrote it.
 */
final class RawHttp {
    private RawHttp() {
    }

    record Response(int status, String head, String body) {
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code request} and reads the answer until the server closes or the body is complete. */
    static Response exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000); // a hang fails the test instead of blocking it
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading everything; the answer is still there.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (true) {
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    break; // reset after the answer
                }
                if (n < 0) {
                    break;
                }
                read.write(buffer, 0, n);
                String text = read.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    int length = contentLength(text.substring(0, end));
                    if (length >= 0 && text.length() - end - 4 >= length) {
                        break;
                    }
                }
            }
            String text = read.toString(StandardCharsets.UTF_8);
            assertThat(text).as("an HTTP answer").startsWith("HTTP/1.1 ");
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            return new Response(Integer.parseInt(text.substring(9, 12)), head, body);
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    static boolean stillAnswers(int port) throws IOException {
        return exchange(port, ascii("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).status() == 200;
    }

    /** A request for {@code path} whose header block is {@code bytes} long or more, in one header. */
    static byte[] withOneBigHeader(String path, int bytes) {
        return ascii("GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(bytes) + "\r\n\r\n");
    }

    /** A request for {@code path} with {@code count} headers of 40 bytes each. */
    static byte[] withManyHeaders(String path, int count) {
        StringBuilder many = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < count; i++) {
            many.append("X-H").append(i).append(": ").append("b".repeat(40)).append("\r\n");
        }
        return ascii(many.append("\r\n").toString());
    }
}
