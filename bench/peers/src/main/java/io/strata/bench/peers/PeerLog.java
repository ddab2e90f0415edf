package io.strata.bench.peers;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;

/**
 * A fresh log on a peer, for one workload run: a Kafka topic, a JetStream stream or an events table.
 * The workloads (W1 to W6) only see this interface, as the Strata workloads only see an
 * {@code EventStore}. An operation the peer has no equivalent for throws
 * {@link UnsupportedOperationException}; {@link PeerTarget#unsupported} says so before a run starts.
 */
interface PeerLog extends AutoCloseable {
    /** A writer for one client thread: each append waits for its acknowledgement (W1, W2, W3). */
    Appender appender() throws Exception;

    /** Appends sent without waiting for each one, at most {@code maxInFlight} at a time: setup of W4/W5, W6's writer. */
    AsyncWriter asyncWriter(int maxInFlight) throws Exception;

    /** Reads the whole log from its start, a page of up to {@code pageSize} events at a time (W4). */
    default PageReader pageReader(int pageSize) throws Exception {
        throw new UnsupportedOperationException("no catch-up read of the whole log");
    }

    /** Reads one stream whole (W5). */
    default StreamReader streamReader() throws Exception {
        throw new UnsupportedOperationException("no read of one stream");
    }

    /** A live subscriber from the log's current end; returns once it is positioned there (W6). */
    default LiveSubscription subscribeFromEnd(Consumer<byte[]> onEvent) throws Exception {
        throw new UnsupportedOperationException("no live subscription");
    }

    /** Appends that wait for their acknowledgement. One per client thread; not thread-safe. */
    interface Appender extends AutoCloseable {
        /** The stream must not exist yet. */
        long NO_STREAM = -1;
        /** No condition: for peers that cannot check one (see {@link PeerTarget#checksExpectedRevision}). */
        long ANY = -2;

        /**
         * Appends {@code events} to {@code stream} if the stream is where {@code expected} says, and
         * returns what to expect next time: the stream's new last revision, or for JetStream the
         * sequence of the subject's last message. Throws when the condition fails.
         */
        long append(String stream, long expected, List<byte[]> events) throws Exception;

        @Override
        default void close() {
        }
    }

    /** Appends in flight without waiting for each; thread-confined to the one writer. */
    interface AsyncWriter extends AutoCloseable {
        /**
         * Sends {@code events} to {@code stream}, whose next revision is {@code firstRevision} (the one
         * writer knows it; PostgreSQL stores it, the others ignore it). Blocks while too many are in
         * flight; throws the first failure of an earlier send.
         */
        void send(String stream, long firstRevision, List<byte[]> events) throws Exception;

        /** Waits until every append sent so far is acknowledged (and visible to readers); throws the first failure. */
        void awaitAll(Duration timeout) throws Exception;

        @Override
        void close();
    }

    /** Reads the log from its start; not thread-safe. */
    interface PageReader extends AutoCloseable {
        /**
         * Reads the next page, calling {@code events} with each event's data and its position (counting
         * from 0 at the start of the log), in order; returns how many (0 when none came within a short wait).
         */
        int nextPage(ObjLongConsumer<byte[]> events) throws Exception;

        @Override
        void close();
    }

    /** Reads streams whole; not thread-safe. */
    interface StreamReader extends AutoCloseable {
        /** Reads {@code stream} from its first event to its last, in order; returns how many. */
        int readWhole(String stream, Consumer<byte[]> events) throws Exception;

        @Override
        void close();
    }

    /** A live subscription; closing it stops deliveries. */
    interface LiveSubscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Deletes the log (topic, stream or table). */
    @Override
    void close();
}
