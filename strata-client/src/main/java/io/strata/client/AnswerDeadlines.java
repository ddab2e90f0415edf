package io.strata.client;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The timeout of pooled HTTP exchanges: one daemon thread that closes every connection whose answer is
 * overdue, so that the read waiting on it fails (and {@link HttpConnectionPool} reports it as a timeout).
 *
 * <pre>
 *   exchange:  expectAnswerWithin(t) ──► watch ── send, blocking reads ── answered() ──► forget
 *   this thread, every CHECK_INTERVAL:  deadline passed and still awaiting ──► connection.close()
 * </pre>
 *
 * <p>Design note: why not a socket timeout. A read with {@code SO_TIMEOUT} on a platform thread makes the
 * JDK switch the socket to non-blocking, poll, read and switch it back: four more system calls per
 * exchange than a plain blocking read. In W2 over HTTP (64 platform-thread clients) the timed read's
 * {@code park} and {@code configureBlocking} were 25 % of the client threads' CPU-time samples, and with
 * untimed reads the same run made 27,200 instead of 23,800 appends/s (durability none, means of three
 * interleaved runs each, {@code ./strata bench W2 --target strata-http --durability none}). Timeouts here
 * are seconds long (60 s for a request), so looking ten times a second is exact enough.
 */
final class AnswerDeadlines {
    static final Duration CHECK_INTERVAL = Duration.ofMillis(100);
    private static final Set<HttpConnection> AWAITING = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().daemon().name("strata-http-deadlines").start(AnswerDeadlines::watch);
    }

    private AnswerDeadlines() {
    }

    static void watch(HttpConnection connection) {
        AWAITING.add(connection);
    }

    static void forget(HttpConnection connection) {
        AWAITING.remove(connection);
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(CHECK_INTERVAL);
            } catch (InterruptedException e) {
                return; // only at the JVM's end: the thread is a daemon nobody else interrupts
            }
            long now = System.nanoTime();
            for (HttpConnection connection : AWAITING) {
                if (connection.closeIfOverdue(now)) {
                    AWAITING.remove(connection);
                }
            }
        }
    }
}
