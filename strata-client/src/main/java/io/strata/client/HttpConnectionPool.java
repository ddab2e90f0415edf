package io.strata.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

/**
 * Keep-alive {@link HttpConnection}s to one server, most recently used first, each carrying one
 * exchange at a time on the thread that asked for it. Thread-safe.
 *
 * <p>When the server closes a connection, only what cannot have been done twice is sent again: a
 * pooled connection the server has closed is found before anything is sent on it, so the request goes
 * on a new connection; a GET whose kept-alive connection closes without a byte of answer goes once
 * more on a new one; other methods never (the server may have done them: an append would be written
 * twice, a group created twice would answer 200 instead of 201).
 */
final class HttpConnectionPool implements AutoCloseable {
    /** Idle connections older than this are closed rather than reused. */
    private static final long KEEP_IDLE_NANOS = Duration.ofSeconds(30).toNanos();
    /**
     * Exchanges in progress at once; more wait for one to end. Without a bound, async appends to a
     * server that falls behind open a connection each: W6 over HTTP on a loaded machine reached
     * ~2,000 connections (each a virtual thread and buffers on the server too) and ran a 1 GiB heap
     * out of memory. 128 leaves W2's 64 synchronous clients unthrottled. Event streams' connections
     * ({@link #open()}) are not counted.
     */
    static final int MAX_EXCHANGES = 128;

    private final String host;
    private final int port;
    private final boolean tls;
    private final String hostHeader;
    private final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();
    private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private final Semaphore exchanges = new Semaphore(MAX_EXCHANGES);
    private volatile boolean closed;

    HttpConnectionPool(URI base) {
        this.tls = base.getScheme().equals("https");
        this.host = base.getHost();
        this.port = base.getPort() >= 0 ? base.getPort() : tls ? 443 : 80;
        this.hostHeader = base.getRawAuthority().substring(base.getRawAuthority().lastIndexOf('@') + 1);
    }

    /** A whole answer: status and body. */
    record Response(int status, byte[] body) {
    }

    /**
     * Sends one request and reads its whole answer, which must have come within {@code timeout}
     * ({@link SocketTimeoutException} after it).
     *
     * @param contentType the body's, or null when there is no body
     */
    Response exchange(String method, String target, String accept, String contentType, byte[] body, Duration timeout)
            throws IOException {
        try {
            exchanges.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a connection");
        }
        try {
            Map<String, String> headers = contentType == null ? Map.of() : Map.of("Content-Type", contentType);
            for (int attempt = 0; ; attempt++) {
                HttpConnection connection = lease();
                connection.expectAnswerWithin(timeout);
                try {
                    connection.send(method, target, accept, headers, body);
                    HttpConnection.ResponseHead head = connection.readHead();
                    byte[] bytes = head.hasNoBody() ? new byte[0]
                            : head.contentLength() >= 0 ? connection.readFully(head.contentLength())
                            : connection.body(head).readAllBytes();
                    boolean inTime = connection.answered(); // else closed already: not for the pool
                    release(connection, inTime && head.keepAlive());
                    return new Response(head.status(), bytes);
                } catch (IOException | RuntimeException e) {
                    boolean inTime = connection.answered();
                    connection.close();
                    if (!inTime) {
                        throw new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
                    }
                    if (e instanceof HttpConnection.NoAnswer && connection.reused() && attempt == 0 && method.equals("GET")) {
                        continue;
                    }
                    throw e;
                }
            }
        } finally {
            exchanges.release();
        }
    }

    /**
     * A new connection for the caller alone (an event stream's); it never returns to the pool. Each of its
     * reads waits at most {@link HttpTransport#REQUEST_TIMEOUT}.
     */
    HttpConnection open() throws IOException {
        if (closed) {
            throw new IOException("the client is closed");
        }
        HttpConnection connection = HttpConnection.open(host, port, tls, hostHeader, this);
        open.add(connection);
        if (closed) {
            connection.close();
            throw new IOException("the client is closed");
        }
        return connection;
    }

    private HttpConnection lease() throws IOException {
        HttpConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (System.nanoTime() - connection.idleSince < KEEP_IDLE_NANOS && !connection.closedByServer()) {
                return connection;
            }
            connection.close();
        }
        HttpConnection opened = open();
        try {
            opened.readWithoutTimeout();
        } catch (IOException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    private void release(HttpConnection connection, boolean keepAlive) {
        if (!keepAlive || closed) {
            connection.close();
            return;
        }
        connection.idleSince = System.nanoTime();
        idle.offerFirst(connection);
        HttpConnection oldest = idle.peekLast(); // the least used: close it once it has idled too long
        if (oldest != null && System.nanoTime() - oldest.idleSince > KEEP_IDLE_NANOS && idle.removeLastOccurrence(oldest)) {
            oldest.close();
        }
    }

    /** Called by a connection as it closes. */
    void forget(HttpConnection connection) {
        open.remove(connection);
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes every connection, idle or in use: exchanges in progress fail. */
    @Override
    public void close() {
        closed = true;
        for (HttpConnection connection : List.copyOf(open)) {
            connection.close();
        }
        idle.clear();
    }
}
