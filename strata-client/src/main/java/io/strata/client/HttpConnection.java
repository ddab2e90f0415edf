package io.strata.client;

import static io.strata.client.HttpTransport.CONNECT_TIMEOUT;
import static io.strata.client.HttpTransport.REQUEST_TIMEOUT;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection (RFC 9112) of {@link HttpConnectionPool}: writes a request in one write,
 * reads the answer through its own buffer, tells without waiting whether the server has closed it.
 * Not thread-safe: one exchange at a time; only {@link #close()} may come from another thread.
 */
final class HttpConnection implements AutoCloseable {
    private static final int MAX_LINE = 64 * 1024;

    private final Socket socket;
    private final SocketChannel channel; // null over TLS
    private final InputStream in;
    private final OutputStream out;
    private final String hostHeader;
    private final HttpConnectionPool pool;
    private final byte[] buffer = new byte[16 * 1024];
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private int position;
    private int limit;
    volatile long idleSince; // when it was last given back to the pool: set and read by the pool
    private long exchanges;
    /** Whether an answer is awaited, and whether {@link AnswerDeadlines} closed the connection for its lateness. */
    private final AtomicInteger answerState = new AtomicInteger(NOT_AWAITING);
    private volatile long answerDeadline;
    private static final int NOT_AWAITING = 0;
    private static final int AWAITING = 1;
    private static final int OVERDUE = 2;

    private HttpConnection(Socket socket, SocketChannel channel, String hostHeader, HttpConnectionPool pool) throws IOException {
        this.socket = socket;
        this.channel = channel;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.hostHeader = hostHeader;
        this.pool = pool;
    }

    /** A new connection to {@code host:port}, after TLS's handshake for https; fails within {@link HttpTransport#CONNECT_TIMEOUT}. */
    static HttpConnection open(String host, int port, boolean tls, String hostHeader, HttpConnectionPool pool) throws IOException {
        SocketChannel channel = SocketChannel.open();
        Socket socket = channel.socket();
        try {
            socket.setTcpNoDelay(true); // a request is one write; nothing to wait for
            try {
                socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            } catch (SocketTimeoutException e) {
                throw new NoConnectionInTime();
            }
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis()); // for the TLS handshake, then for event streams
            if (!tls) {
                return new HttpConnection(socket, channel, hostHeader, pool);
            }
            SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(socket, host, port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            return new HttpConnection(secure, null, hostHeader, pool);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes the request line, headers and body in one write. */
    void send(String method, String target, String accept, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(160 + target.length())
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Accept: ").append(accept).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        int bodyLength = body == null ? 0 : body.length;
        byte[] request = new byte[headBytes.length + bodyLength];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        if (body != null) {
            System.arraycopy(body, 0, request, headBytes.length, bodyLength);
        }
        out.write(request);
        out.flush();
        exchanges++;
    }

    /**
     * Reads wait without a socket timeout from now on: the connection's exchanges are timed by
     * {@link #expectAnswerWithin} instead (see {@link AnswerDeadlines} for why).
     */
    void readWithoutTimeout() throws IOException {
        socket.setSoTimeout(0);
    }

    /** The answer to the request about to be sent must have come within {@code timeout}, else the connection is closed. */
    void expectAnswerWithin(Duration timeout) {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        answerDeadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
        answerState.set(AWAITING);
        AnswerDeadlines.watch(this);
    }

    /** The answer has been read, or the exchange failed; false when it had been closed for taking too long. */
    boolean answered() {
        AnswerDeadlines.forget(this);
        return answerState.getAndSet(NOT_AWAITING) != OVERDUE;
    }

    /** Closes the connection if its answer is still awaited at {@code now}, past its deadline; says whether it did. */
    boolean closeIfOverdue(long now) {
        if (now - answerDeadline >= 0 && answerState.compareAndSet(AWAITING, OVERDUE)) {
            close();
            return true;
        }
        return false;
    }

    /** Whether this connection carried an exchange before the one in progress. */
    boolean reused() {
        return exchanges > 1;
    }

    /** The status line and headers of the answer; informational (1xx) answers are skipped. */
    ResponseHead readHead() throws IOException {
        while (true) {
            if (position == limit && fill() < 0) {
                throw new NoAnswer();
            }
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.1 answer: " + statusLine);
            }
            int status;
            try {
                status = Integer.parseInt(statusLine, 9, 12, 10);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP/1.1 status line: " + statusLine);
            }
            boolean keepAlive = statusLine.startsWith("HTTP/1.1");
            long contentLength = -1;
            boolean chunked = false;
            String header;
            while (!(header = line()).isEmpty()) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> contentLength = parseLength(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                    case "connection" -> {
                        String token = value.toLowerCase(Locale.ROOT);
                        if (token.contains("close")) {
                            keepAlive = false;
                        } else if (token.contains("keep-alive")) {
                            keepAlive = true;
                        }
                    }
                    default -> {
                        // not needed to read the answer
                    }
                }
            }
            if (status >= 100 && status < 200) {
                continue;
            }
            if (chunked) {
                contentLength = -1;
            }
            boolean delimited = chunked || contentLength >= 0 || status == 204 || status == 304;
            return new ResponseHead(status, contentLength, chunked, keepAlive && delimited);
        }
    }

    private static long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("a bad Content-Length: " + value);
        }
    }

    /** The body after {@code head}, as the server delimits it; ends where the body ends. */
    InputStream body(ResponseHead head) {
        if (head.hasNoBody()) {
            return InputStream.nullInputStream();
        }
        if (head.chunked()) {
            return new ChunkedBody();
        }
        return head.contentLength() >= 0 ? new LengthBody(head.contentLength()) : new UntilClosedBody();
    }

    byte[] readFully(long length) throws IOException {
        if (length > Integer.MAX_VALUE - 16) {
            throw new IOException("an answer of " + length + " bytes is too large");
        }
        byte[] bytes = new byte[(int) length];
        int done = 0;
        while (done < bytes.length) {
            int n = read(bytes, done, bytes.length - done);
            if (n < 0) {
                throw new EOFException("the answer ended after " + done + " of " + length + " bytes");
            }
            done += n;
        }
        return bytes;
    }

    /** Reads into {@code target} from the buffer, or straight from the socket when the buffer is empty. */
    private int read(byte[] target, int offset, int length) throws IOException {
        if (position == limit) {
            if (length >= buffer.length) {
                return in.read(target, offset, length);
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    private int fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(n, 0);
        return n;
    }

    /** One line of the head, without its CRLF (or LF). */
    private String line() throws IOException {
        StringBuilder text = new StringBuilder(64);
        while (true) {
            if (position == limit && fill() < 0) {
                throw new EOFException("the answer ended in its headers");
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int end = text.length();
                if (end > 0 && text.charAt(end - 1) == '\r') {
                    text.setLength(end - 1);
                }
                return text.toString();
            }
            if (text.length() >= MAX_LINE) {
                throw new IOException("a header line of the answer is longer than " + MAX_LINE + " bytes");
            }
            text.append((char) (b & 0xff));
        }
    }

    /**
     * Whether the server closed this idle connection (its idle timeout, a restart): a read that does
     * not wait finds the end of the stream. Over TLS there is no such read; only age retires those.
     */
    boolean closedByServer() {
        if (position < limit) {
            return true; // bytes nobody asked for: not a clean connection
        }
        if (channel == null) {
            return false;
        }
        try {
            channel.configureBlocking(false);
            try {
                probe.clear();
                return channel.read(probe) != 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        pool.forget(this);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** A body read by the block; a single byte is a block of one. */
    private abstract static class BodyStream extends InputStream {
        @Override
        public final int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** A body that ends when the server closes the connection (neither a length nor chunks). */
    private final class UntilClosedBody extends BodyStream {
        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            return length == 0 ? 0 : HttpConnection.this.read(target, offset, length);
        }
    }

    /** A body of a known length. */
    private final class LengthBody extends BodyStream {
        private long remaining;

        LengthBody(long length) {
            this.remaining = length;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = HttpConnection.this.read(target, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException("the answer ended " + remaining + " bytes early");
            }
            remaining -= n;
            return n;
        }
    }

    /** A body in chunks (RFC 9112, 7.1): size line, bytes, CRLF, until a chunk of size 0 and the trailers. */
    private final class ChunkedBody extends BodyStream {
        private long remaining;
        private boolean ended;

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (remaining == 0) {
                if (ended) {
                    return -1;
                }
                nextChunk();
            }
            int n = HttpConnection.this.read(target, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException("the answer ended inside a chunk");
            }
            remaining -= n;
            if (remaining == 0) {
                String crlf = line();
                if (!crlf.isEmpty()) {
                    throw new IOException("a chunk is not followed by CRLF");
                }
            }
            return n;
        }

        private void nextChunk() throws IOException {
            String sizeLine = line();
            int extension = sizeLine.indexOf(';');
            String size = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim();
            try {
                remaining = Long.parseLong(size, 16);
            } catch (NumberFormatException e) {
                throw new IOException("a bad chunk size: " + sizeLine);
            }
            if (remaining < 0) {
                throw new IOException("a bad chunk size: " + sizeLine);
            }
            if (remaining == 0) {
                ended = true;
                while (!line().isEmpty()) {
                    // trailers: not needed
                }
            }
        }
    }

    /**
     * An answer's status line and the headers that say how its body ends.
     *
     * @param contentLength the body's length, or -1 when chunked or ended by closing the connection
     * @param keepAlive     whether the connection can carry another request after this body
     */
    record ResponseHead(int status, long contentLength, boolean chunked, boolean keepAlive) {
        boolean hasNoBody() {
            return status == 204 || status == 304;
        }
    }

    /** The server closed the connection before a single byte of the answer. */
    static final class NoAnswer extends EOFException {
        NoAnswer() {
            super("the server closed the connection without answering");
        }
    }

    /** No connection within {@link HttpTransport#CONNECT_TIMEOUT}. */
    static final class NoConnectionInTime extends SocketTimeoutException {
        NoConnectionInTime() {
            super("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
        }
    }
}
