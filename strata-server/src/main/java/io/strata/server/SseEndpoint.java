package io.strata.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.NonBlockingListener;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.Subscription;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Live subscriptions over Server-Sent Events: {@code GET /v1/subscribe/streams/{stream}} and
 * {@code GET /v1/subscribe/all}.
 *
 * <pre>
 *   store subscription thread ──onEvent──► bounded queue ──► request's virtual thread ──emit──► client
 *                                            │ full: the stream is closed (client resumes with Last-Event-ID)
 *                                            └ empty for keep-alive interval: ": keep-alive" comment
 * </pre>
 *
 * <p>Frames are written straight to the response's stream in the form Helidon's {@code SseSink} wrote
 * them ({@code id:…}, {@code event:…}, {@code data:…}, a blank line), and flushed once for everything
 * queued at that moment, not once per event; an event's JSON is made once for all sessions
 * ({@link EncodedEvents}). Design note: W6 over HTTP (100 subscribers, 10,000 events/s) spent 2,548 of
 * 13,302 server CPU-time samples in the per-event flush of {@code SseSink.emit} and 2,241 encoding the
 * same event again for each subscriber.
 *
 * <p>Design note: the queue fills when the client reads more slowly than events come, and then the
 * request's thread is usually blocked in {@code emit}, its socket's buffers full. Setting a flag would
 * not reach it, so an overflow also interrupts that (virtual) thread: an interrupt closes a socket a
 * virtual thread is blocked on (JEP 444), which ends the write and the stream. Without it a client that
 * stops reading kept its stream, thread and subscription open for as long as it kept the connection.
 */
final class SseEndpoint {
    private static final Logger LOG = Logger.getLogger(SseEndpoint.class.getName());
    private static final io.helidon.http.HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");
    private static final Object CAUGHT_UP = new Object();
    private static final Object END = new Object();
    private static final byte[] ID = ascii("id:");
    private static final byte[] EVENT_DATA = ascii("\nevent:event\ndata:");
    private static final byte[] END_OF_MESSAGE = ascii("\n\n");
    private static final byte[] CAUGHT_UP_MESSAGE = ascii("event:caught-up\ndata:{}\n\n");
    /** A comment; the space makes it read ": keep-alive", as spec/http-api.md writes it. */
    private static final byte[] KEEP_ALIVE = ascii(": keep-alive\n\n");
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;

    private final EventStore store;
    private final ServerConfig config;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /** An event's JSON on one line, made once for all sessions. */
    private final EncodedEvents<byte[]> eventJson =
            new EncodedEvents<>(event -> WireJson.line(WireJson.event(event)).getBytes(StandardCharsets.UTF_8));
    private volatile boolean stopping;

    SseEndpoint(EventStore store, ServerConfig config) {
        this.store = store;
        this.config = config;
    }

    int openSubscriptions() {
        return sessions.size();
    }

    void subscribeToStream(ServerRequest req, ServerResponse res) {
        String stream = HttpApi.pathName(req, HttpApi.SUBSCRIBE_STREAMS);
        long from = HttpApi.streamFrom(HttpApi.param(req, "from"), ReadStreamOptions.END);
        Optional<String> lastEventId = req.headers().first(LAST_EVENT_ID);
        if (lastEventId.isPresent()) {
            long last = HttpApi.parseNonNegative(lastEventId.get().trim());
            if (last < 0 || last == Long.MAX_VALUE) {
                throw ApiException.invalid("Last-Event-ID must be a revision number on a stream subscription, got '" + lastEventId.get() + "'");
            }
            from = last + 1;
        }
        long start = from;
        run(res, session -> store.subscribeToStream(stream, start, session), RecordedEvent::revision);
    }

    void subscribeToAll(ServerRequest req, ServerResponse res) {
        long from = HttpApi.allFrom(HttpApi.param(req, "from"), ReadAllOptions.END);
        EventFilter filter = HttpApi.filter(req);
        Optional<String> lastEventId = req.headers().first(LAST_EVENT_ID);
        if (lastEventId.isPresent()) {
            long last = HttpApi.parseNonNegative(lastEventId.get().trim());
            if (last < 0 || last == Long.MAX_VALUE) {
                throw ApiException.invalid("Last-Event-ID must be a position token on a $all subscription, got '" + lastEventId.get() + "'");
            }
            from = last + 1;
        }
        long start = from;
        run(res, session -> store.subscribeToAll(start, filter, session), event -> event.position().value());
    }

    private interface Subscriber {
        Subscription subscribe(Session session);
    }

    private interface IdOf {
        long id(RecordedEvent event);
    }

    private void run(ServerResponse res, Subscriber subscriber, IdOf idOf) {
        if (stopping) {
            throw new ApiException(503, "unavailable", "the server is shutting down", java.util.Map.of());
        }
        Session session = new Session(config.sseBufferEvents());
        // Subscribe before the response starts, so that a bad request still gets a JSON error.
        Subscription subscription = subscriber.subscribe(session);
        sessions.add(session);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        OutputStream out = null;
        try {
            out = new BufferedOutputStream(res.outputStream(), WRITE_BUFFER_BYTES);
            session.attach(Thread.currentThread());
            long keepAliveMillis = config.sseKeepAlive().toMillis();
            while (!session.ended && !stopping) {
                Object message = session.queue.poll(keepAliveMillis, TimeUnit.MILLISECONDS);
                if (message == null) {
                    out.write(KEEP_ALIVE);
                }
                // Everything queued by now goes out with one flush.
                while (message != null && message != END && !session.ended && !stopping) {
                    write(out, message, idOf);
                    message = session.queue.poll();
                }
                if (message == END || session.ended || stopping) {
                    break;
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // Most often the client went away; nothing to answer.
            LOG.log(Level.FINE, "SSE stream ended", e);
        } finally {
            session.detach();
            if (out != null) {
                try {
                    out.close(); // after an abort still interrupted: cannot block on a client that does not read
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "closing an SSE stream", e);
                }
            }
            if (session.interrupted) {
                // Ours, and done with: the subscription's close below waits, and the thread goes back to Helidon.
                Thread.interrupted();
            }
            subscription.close();
            sessions.remove(session);
        }
    }

    private void write(OutputStream out, Object message, IdOf idOf) throws IOException {
        if (message == CAUGHT_UP) {
            out.write(CAUGHT_UP_MESSAGE);
            return;
        }
        RecordedEvent event = (RecordedEvent) message;
        out.write(ID);
        out.write(Long.toString(idOf.id(event)).getBytes(StandardCharsets.US_ASCII));
        out.write(EVENT_DATA);
        out.write(eventJson.of(event));
        out.write(END_OF_MESSAGE);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Ends every open stream, even one whose client does not read: the server is closing. */
    void stop() {
        stopping = true;
        for (Session session : sessions) {
            session.abort();
        }
    }

    /**
     * One client's subscription: the store's listener, feeding a bounded queue. It never waits (a full
     * queue aborts the stream), so an embedded store delivers its live events from its shared live
     * delivery thread ({@link NonBlockingListener}, ADR 0013).
     */
    private static final class Session implements NonBlockingListener {
        final BlockingQueue<Object> queue;
        volatile boolean ended;
        /** Whether {@link #abort} interrupted the streaming thread (read by that thread only, after detach). */
        boolean interrupted;
        /** The request's thread while it streams; guarded by {@code this}, so it is interrupted only then. */
        private Thread streamer;

        Session(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        public void onEvent(RecordedEvent event) {
            if (!queue.offer(event)) {
                abort(); // overflow: the client reads too slowly, or not at all
            }
        }

        @Override
        public boolean offer(RecordedEvent event) {
            onEvent(event);
            return true;
        }

        @Override
        public void onCaughtUp() {
            if (!queue.offer(CAUGHT_UP)) {
                abort();
            }
        }

        @Override
        public void onError(Throwable error) {
            abort();
        }

        synchronized void attach(Thread thread) {
            streamer = thread;
        }

        synchronized void detach() {
            streamer = null;
        }

        /** Ends the stream now, also when its thread is blocked writing to a client that does not read. */
        synchronized void abort() {
            if (ended) {
                return;
            }
            ended = true;
            // What is queued is not sent any more (the client resumes with Last-Event-ID): make room for END.
            queue.clear();
            queue.offer(END);
            if (streamer != null) {
                interrupted = true;
                streamer.interrupt();
            }
        }
    }
}
