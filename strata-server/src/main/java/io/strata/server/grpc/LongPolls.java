package io.strata.server.grpc;

import io.grpc.Context;
import io.strata.core.StoreUnavailableException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The unary {@code Fetch} calls waiting in a long poll, so that they stop waiting at once when their
 * call is cancelled (the client gave up, or its deadline passed) or the server shuts down, instead of
 * waiting out their {@code wait} (up to 5 minutes) and leasing messages nobody will take.
 *
 * <p>Design note: a waiting fetch blocks a virtual thread (the endpoint runs every call on one), so
 * waiting pins no platform thread. It is woken by interrupting that thread, and the fetch then returns
 * what it has, which is nothing while it waits. The cancellation comes from the call's {@link Context},
 * which grpc-java cancels at once on another thread; the call's own {@code onCancel} callback would
 * only run after the (blocked) fetch returned, since one call's callbacks run one at a time.
 *
 * <p>Thread-safe.
 */
final class LongPolls {
    static final String SHUTTING_DOWN = "the server is shutting down";

    private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** The outcome of one poll: what it returned, and whether anyone is still there to take it. */
    record Outcome<T>(T value, boolean abandoned) {
    }

    /** Runs {@code poll} on this thread, interrupted if the current call is cancelled or the server stops. */
    <T> Outcome<T> run(Supplier<T> poll) {
        Thread thread = Thread.currentThread();
        Context context = Context.current();
        Context.CancellationListener wake = cancelled -> thread.interrupt();
        waiting.add(thread);
        context.addListener(wake, Runnable::run);
        try {
            if (stopping) {
                throw new StoreUnavailableException(SHUTTING_DOWN);
            }
            T value = poll.get();
            return new Outcome<>(value, context.isCancelled() || stopping);
        } finally {
            context.removeListener(wake);
            waiting.remove(thread);
            Thread.interrupted(); // a wake-up that came as the poll returned has nothing left to wake
        }
    }

    boolean stopping() {
        return stopping;
    }

    /** Wakes every waiting poll; later ones fail at once. */
    void stop() {
        stopping = true;
        for (Thread thread : waiting) {
            thread.interrupt();
        }
    }
}
