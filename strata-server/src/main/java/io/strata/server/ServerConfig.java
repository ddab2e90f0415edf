package io.strata.server;

import io.strata.core.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link StrataServer}. Build with {@link #builder(Path)}; everything but the data folder
 * has a default.
 *
 * @param dataDirectory      the embedded store's folder
 * @param bindAddress        the address the HTTP and gRPC listeners bind (default {@code 127.0.0.1})
 * @param httpPort           the HTTP port (default 7700; 0 picks a free one)
 * @param grpcPort           the gRPC port (default 7701, or 0 when {@code httpPort} is 0 and no gRPC port was
 *                           set, so a test asking for a free HTTP port cannot collide on 7701; 0 picks a
 *                           free one)
 * @param durability         what an acknowledged append means (default fsync)
 * @param maxEventBytes      the largest data + metadata of one event (default 1 MiB)
 * @param maxRequestBytes    the largest request body (HTTP) and request message (gRPC; at most 2 GiB - 1)
 *                           (default 16 MiB)
 * @param maxEventsPerAppend the most events in one append (default 10,000)
 * @param sseBufferEvents    events buffered per SSE client before its stream is closed (default 10,000)
 * @param sseKeepAlive       the longest silence on an SSE stream before a keep-alive comment (default 15 s)
 * @param memtableEntries    index entries the store keeps in memory (0: the engine's default, 1 million)
 * @param maxHeaderBytes     the largest request line and the largest header block of a request (default
 *                           16 KiB each); a request over it is answered 4xx and its connection closed
 * @param idleTimeout        how long a connection may sit without a request in progress (e.g. a client that
 *                           never finishes its request line) before the server closes it (default 60 s)
 * @param grpcMaxCallsPerConnection the most concurrent gRPC calls on one connection (HTTP/2
 *                           MAX_CONCURRENT_STREAMS; default 1,000); more wait in the client
 * @param grpcAppendsInFlight appends one {@code AppendStream} call may have in flight (read, not yet
 *                           answered) before the server stops reading from it (default 256)
 * @param grpcSubscriberBufferEvents events buffered per gRPC subscription while its client is not ready
 *                           (default 1,024; the buffer also stops at 4 MiB)
 * @param grpcSubscriberStallTimeout how long a gRPC subscription may find its buffer full without its client
 *                           taking anything before the call is ended {@code RESOURCE_EXHAUSTED} (default 30 s)
 * @param dedupWindow        how long the store remembers event ids for idempotent appends (default 24 h, the
 *                           engine's default)...
 * @param dedupWindowEvents  ...or for how many of the latest events, whichever is less (default 10 million, the
 *                           engine's default)
 */
public record ServerConfig(Path dataDirectory, String bindAddress, int httpPort, int grpcPort, Durability durability,
                           int maxEventBytes, long maxRequestBytes, int maxEventsPerAppend,
                           int sseBufferEvents, Duration sseKeepAlive, int memtableEntries,
                           int maxHeaderBytes, Duration idleTimeout, int grpcMaxCallsPerConnection,
                           int grpcAppendsInFlight, int grpcSubscriberBufferEvents,
                           Duration grpcSubscriberStallTimeout, Duration dedupWindow, long dedupWindowEvents) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 7700;
    public static final int DEFAULT_GRPC_PORT = 7701;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public ServerConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(sseKeepAlive, "sseKeepAlive");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(grpcSubscriberStallTimeout, "grpcSubscriberStallTimeout");
        Objects.requireNonNull(dedupWindow, "dedupWindow");
        if (dedupWindow.isNegative() || dedupWindowEvents < 0) {
            throw new IllegalArgumentException("the dedup window must not be negative, got " + dedupWindow + " and "
                    + dedupWindowEvents + " events");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be 0 to 65535, got " + httpPort);
        }
        if (grpcPort < 0 || grpcPort > 65535) {
            throw new IllegalArgumentException("grpcPort must be 0 to 65535, got " + grpcPort);
        }
        if (grpcPort != 0 && grpcPort == httpPort) {
            throw new IllegalArgumentException("httpPort and grpcPort must differ, both are " + grpcPort);
        }
        if (grpcMaxCallsPerConnection < 1 || grpcAppendsInFlight < 1 || grpcSubscriberBufferEvents < 1) {
            throw new IllegalArgumentException("gRPC limits must be positive");
        }
        if (grpcSubscriberStallTimeout.isNegative() || grpcSubscriberStallTimeout.isZero()) {
            throw new IllegalArgumentException("grpcSubscriberStallTimeout must be positive");
        }
        if (maxEventBytes < 1 || maxRequestBytes < 1 || maxEventsPerAppend < 1 || sseBufferEvents < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (sseKeepAlive.isNegative() || sseKeepAlive.isZero()) {
            throw new IllegalArgumentException("sseKeepAlive must be positive");
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, got " + maxHeaderBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
    }

    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    public static final class Builder {
        private final Path dataDirectory;
        private String bindAddress = DEFAULT_BIND;
        private int httpPort = DEFAULT_HTTP_PORT;
        private int grpcPort = -1; // unset: DEFAULT_GRPC_PORT, or 0 when httpPort is 0
        private Durability durability = Durability.FSYNC;
        private int maxEventBytes = 1 << 20;
        private long maxRequestBytes = 16L << 20;
        private int maxEventsPerAppend = 10_000;
        private int sseBufferEvents = 10_000;
        private Duration sseKeepAlive = Duration.ofSeconds(15);
        private int memtableEntries;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int grpcMaxCallsPerConnection = 1_000;
        private int grpcAppendsInFlight = 256;
        private int grpcSubscriberBufferEvents = 1_024;
        private Duration grpcSubscriberStallTimeout = Duration.ofSeconds(30);
        private Duration dedupWindow = Duration.ofHours(24);
        private long dedupWindowEvents = 10_000_000L;

        private Builder(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder httpPort(int httpPort) {
            this.httpPort = httpPort;
            return this;
        }

        /** The gRPC port (default 7701; 0 picks a free one). */
        public Builder grpcPort(int grpcPort) {
            if (grpcPort < 0 || grpcPort > 65535) {
                throw new IllegalArgumentException("grpcPort must be 0 to 65535, got " + grpcPort);
            }
            this.grpcPort = grpcPort;
            return this;
        }

        public Builder durability(Durability durability) {
            this.durability = durability;
            return this;
        }

        public Builder maxEventBytes(int maxEventBytes) {
            this.maxEventBytes = maxEventBytes;
            return this;
        }

        public Builder maxRequestBytes(long maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        public Builder maxEventsPerAppend(int maxEventsPerAppend) {
            this.maxEventsPerAppend = maxEventsPerAppend;
            return this;
        }

        public Builder sseBufferEvents(int sseBufferEvents) {
            this.sseBufferEvents = sseBufferEvents;
            return this;
        }

        public Builder sseKeepAlive(Duration sseKeepAlive) {
            this.sseKeepAlive = sseKeepAlive;
            return this;
        }

        /** Small values keep tests that open many stores light; 0 is the engine's default. */
        public Builder memtableEntries(int memtableEntries) {
            this.memtableEntries = memtableEntries;
            return this;
        }

        /** The largest request line, and the largest header block, in bytes (default 16 KiB). */
        public Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        /** How long an idle or stalled connection is kept open (default 60 s). */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Concurrent gRPC calls per connection (default 1,000). */
        public Builder grpcMaxCallsPerConnection(int grpcMaxCallsPerConnection) {
            this.grpcMaxCallsPerConnection = grpcMaxCallsPerConnection;
            return this;
        }

        /** Appends in flight per {@code AppendStream} call before the server stops reading it (default 256). */
        public Builder grpcAppendsInFlight(int grpcAppendsInFlight) {
            this.grpcAppendsInFlight = grpcAppendsInFlight;
            return this;
        }

        /** Events buffered per gRPC subscription (default 1,024). */
        public Builder grpcSubscriberBufferEvents(int grpcSubscriberBufferEvents) {
            this.grpcSubscriberBufferEvents = grpcSubscriberBufferEvents;
            return this;
        }

        /** How long a gRPC subscriber may take nothing from a full buffer before it is ended (default 30 s). */
        public Builder grpcSubscriberStallTimeout(Duration grpcSubscriberStallTimeout) {
            this.grpcSubscriberStallTimeout = grpcSubscriberStallTimeout;
            return this;
        }

        /** How long event ids are remembered for idempotent appends (default 24 h)... */
        public Builder dedupWindow(Duration dedupWindow) {
            this.dedupWindow = dedupWindow;
            return this;
        }

        /** ...or for how many of the latest events, whichever is less (default 10 million). */
        public Builder dedupWindowEvents(long dedupWindowEvents) {
            this.dedupWindowEvents = dedupWindowEvents;
            return this;
        }

        public ServerConfig build() {
            int grpc = grpcPort >= 0 ? grpcPort : httpPort == 0 ? 0 : DEFAULT_GRPC_PORT;
            return new ServerConfig(dataDirectory, bindAddress, httpPort, grpc, durability, maxEventBytes,
                    maxRequestBytes, maxEventsPerAppend, sseBufferEvents, sseKeepAlive, memtableEntries,
                    maxHeaderBytes, idleTimeout, grpcMaxCallsPerConnection, grpcAppendsInFlight,
                    grpcSubscriberBufferEvents, grpcSubscriberStallTimeout, dedupWindow, dedupWindowEvents);
        }
    }
}
