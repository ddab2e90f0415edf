package io.strata.client;

import io.strata.core.RecordedEvent;
import io.strata.core.StrataException;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.protocol.DecodedEventCache;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * One subscription of {@link HttpEventStore}: a Server-Sent Events stream read by a thread of its own,
 * over a connection of its own, that reconnects after a drop with {@code Last-Event-ID} as a browser's
 * {@code EventSource} does.
 *
 * <p>Which failures end it: a listener that throws, an answer of 4xx (the server refuses the
 * subscription; asking again would get the same), an event that cannot be read, and any failure
 * before the first connection was made (a wrong URL or a server that is not there fails at once,
 * as a read would). Everything after that (the connection dropped, the server ended the stream,
 * restarted, answered 5xx, or could not be reached) is retried until {@link #close()}, 100 ms then
 * doubling to 5 s between tries.
 */
final class SseSubscription implements Subscription {
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(5);

    private final HttpTransport transport;
    private final String target;
    private final StrataException failedToStart;
    private final SubscriptionListener listener;
    private final DecodedEventCache decodedEvents;
    private final Set<SseSubscription> open;
    private final Object lock = new Object();
    private volatile boolean active = true;
    private volatile HttpTransport.EventStream stream;
    private volatile Thread thread;
    private String lastEventId; // set before the thread starts, then confined to it
    private boolean caughtUp;   // likewise: the listener hears of it once, not after every reconnection

    /**
     * @param target        the path and query of the stream to read
     * @param lastEventId   where to resume, or null to begin where {@code target} says
     * @param failedToStart when not null, the subscription only reports it to the listener
     * @param decodedEvents events the client's subscriptions decoded lately, shared between them
     * @param open          the subscriptions to close with the client: this one is in it while it runs
     */
    private SseSubscription(HttpTransport transport, String target, String lastEventId, StrataException failedToStart,
                            SubscriptionListener listener, DecodedEventCache decodedEvents, Set<SseSubscription> open) {
        this.transport = transport;
        this.target = target;
        this.lastEventId = lastEventId;
        this.failedToStart = failedToStart;
        this.listener = listener;
        this.decodedEvents = decodedEvents;
        this.open = open;
    }

    /** Starts a subscription's thread, named {@code strata-sse PATH}. */
    static SseSubscription start(HttpTransport transport, String target, String lastEventId, StrataException failedToStart,
                                 SubscriptionListener listener, DecodedEventCache decodedEvents, Set<SseSubscription> open) {
        SseSubscription subscription = new SseSubscription(transport, target, lastEventId, failedToStart, listener,
                decodedEvents, open);
        open.add(subscription);
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        subscription.thread = Thread.ofPlatform().daemon().name("strata-sse " + path).start(subscription::run);
        return subscription;
    }

    private void run() {
        Duration retry = FIRST_RETRY;
        boolean connectedOnce = false;
        try {
            if (failedToStart != null) {
                throw new Fatal(failedToStart);
            }
            while (active) {
                try (HttpTransport.EventStream opened = transport.eventStream(target, lastEventId)) {
                    stream = opened;
                    if (!active) {
                        return; // closed before the stream was there to cancel
                    }
                    int status = opened.open();
                    if (status / 100 != 2) {
                        StrataException refused = opened.failure();
                        if (status / 100 == 4 || !connectedOnce) {
                            throw new Fatal(refused);
                        }
                        throw refused;
                    }
                    connectedOnce = true;
                    retry = FIRST_RETRY;
                    new SseParser(opened.body(), this::dispatch).run();
                    // the server ended the stream (it is stopping, or this client read too slowly): resume
                } catch (IOException | StrataException e) {
                    if (!connectedOnce) {
                        throw new Fatal(e instanceof IOException failure ? transport.unreachable(failure) : (StrataException) e);
                    }
                }
                if (active) {
                    sleep(retry);
                    retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
                }
            }
        } catch (Fatal | ListenerFailed e) {
            report(e.getCause());
        } catch (Throwable e) {
            report(e);
        } finally {
            active = false;
            open.remove(this);
        }
    }

    private void report(Throwable error) {
        synchronized (lock) {
            if (active) {
                active = false;
                listener.onError(error);
            }
        }
    }

    private void sleep(Duration retry) {
        try {
            Thread.sleep(retry);
        } catch (InterruptedException e) {
            // close() interrupts the wait; the loop sees it is no longer active
        }
    }

    /** One complete SSE message: events to the listener (remembering their id), caught-up once. */
    private void dispatch(String name, String id, byte[] data, int length) {
        synchronized (lock) {
            if (!active) {
                return;
            }
            switch (name) {
                case "event" -> {
                    RecordedEvent event;
                    try {
                        event = decode(data, length);
                    } catch (RuntimeException unreadable) {
                        throw new Fatal(unreadable); // reading it again after a reconnection would fail the same way
                    }
                    try {
                        listener.onEvent(event);
                    } catch (Throwable e) {
                        throw new ListenerFailed(e);
                    }
                }
                case "caught-up" -> {
                    if (!caughtUp) {
                        caughtUp = true;
                        try {
                            listener.onCaughtUp();
                        } catch (Throwable e) {
                            throw new ListenerFailed(e);
                        }
                    }
                }
                default -> {
                    // unknown message kinds are ignored, as SSE clients do
                }
            }
            if (id != null) {
                lastEventId = id;
            }
        }
    }

    /**
     * The event whose JSON is {@code data[0, length)}: the one another subscription of this client decoded
     * from the very same bytes lately, or decoded here (and kept for the others).
     */
    private RecordedEvent decode(byte[] data, int length) {
        RecordedEvent known = decodedEvents.find(data, 0, length);
        if (known != null) {
            return known;
        }
        RecordedEvent event = HttpEventJson.event(Json.parse("an event from the server", Arrays.copyOf(data, length)));
        return decodedEvents.share(data, 0, length, event);
    }

    @Override
    public void close() {
        synchronized (lock) {
            active = false;
        }
        HttpTransport.EventStream current = stream;
        if (current != null) {
            current.cancel();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    @Override
    public boolean isActive() {
        return active;
    }

    /** Ends a subscription with its cause given to the listener: not worth another try. */
    private static final class Fatal extends RuntimeException {
        Fatal(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** The listener threw: the subscription ends and the listener gets what it threw. */
    private static final class ListenerFailed extends RuntimeException {
        ListenerFailed(Throwable cause) {
            super(String.valueOf(cause), cause, false, false);
        }
    }
}
