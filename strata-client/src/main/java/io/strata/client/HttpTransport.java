package io.strata.client;

import io.strata.core.ErrorCode;
import io.strata.core.InvalidRequestException;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * JSON requests to one Strata server over HTTP/1.1, and its {@code text/event-stream} answers: the
 * transport under {@link HttpEventStore} and {@link HttpGroupsClient}. Every exchange runs on the
 * calling thread, over a keep-alive connection of {@link HttpConnectionPool}. Failures become the
 * store's exceptions, each naming the server: an error body through the caller's {@link ErrorMapping},
 * a server out of reach as {@code cannot reach the server at URL (why)}. Thread-safe.
 *
 * <pre>
 *   send ──► HttpConnectionPool.exchange ──► HttpConnection: request, whole answer ──► JSON, or the error's exception
 *   eventStream ──► HttpConnectionPool.open: a connection of its own ──► the answer's body as it comes
 * </pre>
 *
 * <p>Design note: why HTTP/1.1 is written by hand here, though the project prefers a library made for
 * the job. Two were measured against this client on one machine (2 cores, AMD EPYC, 24 GiB, JDK 25)
 * that other work shared. The JDK's {@code java.net.http.HttpClient} hands every exchange between the
 * calling thread, its selector thread and its executor: W2 made 836 appends/s with it (load 0.9) and
 * 5,208/s with this client (load 2.8). Apache HttpClient 5.6.5 classic (its minimal client over
 * {@code PoolingHttpClientConnectionManager}, blocking on the calling thread, TCP_NODELAY, a stale check
 * that does not wait) makes the same system calls per exchange as this client (strace) but more Java
 * work: 40.8 against 27.8 µs of client CPU per append, 16,946 against 21,180 appends/s (16 clients,
 * durability none, after warm-up; its own code was 26 % of the client threads' CPU samples, spread
 * thin), and it warms up slower. Commands {@code ./strata bench W… --target strata-http}, 2026-11-28,
 * each variant in turns with the others:
 *
 * <pre>
 *   workload                  before: groups on JDK   Apache 5.6.5       this class             load (1 min)
 *   W2 --quick, appends/s     3,436                   3,191              4,500                  5.3–7.9, medians of 13 runs
 *   W7, acked events/s        17,144  17,559          17,816  17,908     17,383  17,744         2–11
 *     client+server CPU/event 25.9 µs 23.7 µs         18.7 µs 16.1 µs    15.5 µs 15.2 µs
 *   W7, server TCP_NODELAY    64,135                  136,752  140,770   156,229                8–29
 *   W6 --quick, events/s      1,138  1,159  934       1,071  2,005       1,423  2,518           2–34
 * </pre>
 *
 * ("Before" is this same HTTP/1.1 code for W2 and W6, then inside {@code HttpEventStore}: its W2 and W6
 * differ from this class's by noise.) So HTTP/1.1 stays written by hand, and {@link HttpGroupsClient}
 * moved from the JDK client onto it too. W7 was not the client's to fix: a fetch answer of 20 or more
 * messages took ~43 ms whatever the client (of 5 messages: 0.6 ms), the delayed ACK of a reader against
 * a writer with Nagle's algorithm on; with TCP_NODELAY on the server's sockets (fourth row) it took ~1.4 ms,
 * so the server now sets it ({@code StrataServer}).
 */
final class HttpTransport implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";

    private final String base;
    private final String basePath;
    private final ErrorMapping errors;
    private final HttpConnectionPool connections;

    /** Turns the server's error body into the exception the caller's API promises for it. */
    interface ErrorMapping {
        StrataException failure(ServerError error);
    }

    /**
     * An error body of spec/http-api.md ("Errors"): {@code {"error": {"code", "message", …details}}}.
     *
     * @param error the whole {@code error} object, for the details of a code
     */
    record ServerError(int status, String code, String message, JsonNode error) {
        /** The exception for a code without one of its own: keeps the wire code, which the command line prints. */
        HttpEventStore.RemoteException remote() {
            return new HttpEventStore.RemoteException(errorCode(), code, message);
        }

        /** The engine code with this wire name; else the nearest by HTTP status, for exit codes and callers. */
        private ErrorCode errorCode() {
            for (ErrorCode known : ErrorCode.values()) {
                if (known.wireName().equals(code)) {
                    return known;
                }
            }
            return status >= 400 && status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.UNAVAILABLE;
        }
    }

    private HttpTransport(String base, URI uri, ErrorMapping errors) {
        this.base = base;
        this.basePath = uri.getRawPath();
        this.errors = errors;
        this.connections = new HttpConnectionPool(uri);
    }

    /**
     * A transport to the server at {@code url} ({@code http://host:port}, or https, perhaps with a
     * path); nothing is sent yet.
     *
     * @throws InvalidRequestException when {@code url} is not such an address
     */
    static HttpTransport connect(String url, ErrorMapping errors) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI uri;
        try {
            uri = new URI(base);
        } catch (URISyntaxException e) {
            throw badUrl(url);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw badUrl(url);
        }
        return new HttpTransport(base, uri, errors);
    }

    private static InvalidRequestException badUrl(String url) {
        return new InvalidRequestException("--url must be the server's address, such as http://127.0.0.1:7700; got '" + url + "'");
    }

    /** A 2xx answer: its status, and its JSON body (an empty object when it had none). */
    record Answer(int status, JsonNode json) {
    }

    /**
     * Sends one request with an optional JSON body and reads the whole answer on the calling thread.
     *
     * @param target  the path under the server's base URL, with its query
     * @param timeout how long the whole answer may take
     * @throws StrataException the error body's exception, or unavailable
     */
    Answer send(String method, String target, byte[] jsonBody, Duration timeout) {
        HttpConnectionPool.Response response;
        try {
            response = connections.exchange(method, basePath + target, JSON, jsonBody == null ? null : JSON, jsonBody, timeout);
        } catch (IOException e) {
            throw unreachable(e, timeout);
        }
        if (response.status() / 100 != 2) {
            throw failure(response.status(), response.body());
        }
        if (response.body().length == 0) {
            return new Answer(response.status(), Json.object());
        }
        try {
            return new Answer(response.status(), Json.MAPPER.readTree(response.body()));
        } catch (JacksonException e) {
            throw new StoreUnavailableException("the server at " + base + " answered something that is not JSON: " + e.getOriginalMessage());
        }
    }

    /** A {@code GET} of {@code target} as Server-Sent Events, resuming after {@code lastEventId} when not null; not sent yet. */
    EventStream eventStream(String target, String lastEventId) {
        return new EventStream(basePath + target, lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId));
    }

    /** One event-stream request and its answer, read by one thread while another may {@link #cancel} it. */
    final class EventStream implements AutoCloseable {
        private final String target;
        private final Map<String, String> headers;
        private volatile HttpConnection connection;
        private volatile boolean cancelled;
        private HttpConnection.ResponseHead head;

        private EventStream(String target, Map<String, String> headers) {
            this.target = target;
            this.headers = headers;
        }

        /** Sends the request on a connection of its own and waits for the answer's head: its status. */
        int open() throws IOException {
            HttpConnection opened = connections.open();
            connection = opened;
            if (cancelled) {
                opened.close();
                throw new IOException("the stream was closed");
            }
            opened.send("GET", target, EVENT_STREAM, headers, null);
            head = opened.readHead();
            return head.status();
        }

        /** The answer's body as it arrives. */
        InputStream body() {
            return connection.body(head);
        }

        /** The exception a non-2xx answer stands for. */
        StrataException failure() throws IOException {
            return HttpTransport.this.failure(head.status(), body().readAllBytes());
        }

        /** Drops the connection, from any thread: a read in progress fails, a request not yet sent never is. */
        void cancel() {
            cancelled = true;
            HttpConnection open = connection;
            if (open != null) {
                open.close();
            }
        }

        @Override
        public void close() {
            cancel();
        }
    }

    /** The exception a non-2xx answer stands for: its error body's, or unavailable when it has none. */
    private StrataException failure(int status, byte[] body) {
        JsonNode error;
        try {
            JsonNode parsed = Json.MAPPER.readTree(body);
            error = parsed == null ? null : parsed.get("error");
        } catch (JacksonException e) {
            error = null;
        }
        if (error == null || !error.isObject() || !error.path("code").isString()) {
            return new StoreUnavailableException("the server at " + base + " answered HTTP " + status + " without an error body");
        }
        String code = error.get("code").asString();
        return errors.failure(new ServerError(status, code, error.path("message").asString(code), error));
    }

    /** A failure to exchange with the server, as unavailable with the server's address and why. */
    StrataException unreachable(IOException failure) {
        return unreachable(failure, REQUEST_TIMEOUT);
    }

    private StrataException unreachable(IOException failure, Duration timeout) {
        String why;
        if (failure instanceof HttpConnection.NoConnectionInTime) {
            why = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (failure instanceof SocketTimeoutException) {
            why = "no answer within " + timeout.toSeconds() + " s";
        } else if (failure instanceof ConnectException) {
            why = "connection refused";
        } else if (connections.isClosed()) {
            why = "the client is closed";
        } else if (failure instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
            why = "interrupted";
        } else {
            why = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        }
        return new StoreUnavailableException("cannot reach the server at " + base + " (" + why + ")", failure);
    }

    /** Closes every connection, idle or in use: exchanges and event streams in progress fail as unavailable. */
    @Override
    public void close() {
        connections.close();
    }
}
