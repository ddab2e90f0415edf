package io.strata.server;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.grpc.GrpcEndpoint;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.time.Duration;

/**
 * The Strata server: the embedded engine behind the HTTP/JSON + SSE API of spec/http-api.md, on
 * Helidon SE's virtual-thread web server, and behind the gRPC API of {@code event_store.proto}
 * ({@link GrpcEndpoint}, grpc-java on Netty).
 *
 * <pre>
 *   start: open store (recovery) ──► open consumer groups ──► bind HTTP ──► bind gRPC ──► ready (health SERVING)
 *   close: not ready ──► gRPC: refuse new calls, end subscriptions, append streams stop reading
 *                    ──► end SSE streams ──► stop HTTP (in-flight requests finish; then the routes let go)
 *                    ──► wait for in-flight gRPC calls (≤ 5 s, then cancelled)
 *                    ──► close consumer groups (final checkpoints) ──► close store (last)
 * </pre>
 */
public final class StrataServer implements AutoCloseable {
    /** How long close() lets in-flight gRPC calls (appends) finish before cancelling them; as Helidon's grace. */
    private static final Duration GRPC_SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final EmbeddedEventStore store;
    private final ConsumerGroups groups;
    private final SseEndpoint sse;
    private final ServerMetrics metrics;
    private final WebServer web;
    /** The HTTP routes' hold on this server, cut once the web server has stopped (helidon#11939: see RouteHandlers). */
    private final RouteHandlers routeHandlers = new RouteHandlers();
    private volatile GrpcEndpoint grpc; // set once by start(), before the server is returned
    private volatile boolean ready;
    private boolean closed;

    private StrataServer(ServerConfig config, EmbeddedEventStore store, ConsumerGroups groups) {
        this.config = config;
        this.store = store;
        this.groups = groups;
        this.sse = new SseEndpoint(store, config);
        this.metrics = new ServerMetrics(store, sse::openSubscriptions);
        metrics.register(new GroupMetrics(groups));
        HttpApi api = new HttpApi(store, config, () -> ready, sse, metrics,
                new GroupsHttpApi(groups, config, () -> ready, routeHandlers), routeHandlers);
        this.web = WebServer.builder()
                .host(config.bindAddress())
                .port(config.httpPort())
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(5))
                // A response goes out in more than one write (headers, then body chunks); with Nagle on, the
                // last one waited for the client's delayed ACK. Measured: an HTTP consumer-group fetch of 100
                // messages took 44 ms with it and 1.4 ms without; W7 over HTTP went from 17,744 to 156,229
                // acked events/s (2026-11-28, this 2-core machine, load 2-11).
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                // Hostile or slow clients: bounded request line and headers, idle connections closed.
                .addProtocol(Http1Config.builder()
                        .maxPrologueLength(config.maxHeaderBytes())
                        .maxHeadersSize(config.maxHeaderBytes())
                        .build())
                .directHandlers(handlers -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        handlers.addHandler(type, Errors.directHandler(config));
                    }
                })
                // Lets Errors tell an oversized header block (Helidon: 400 "Header size exceeded") from a
                // malformed one and answer 431; it changes only the reason our own handler is given.
                .errorHandling(errors -> errors.includeEntity(true))
                .idleConnectionTimeout(config.idleTimeout())
                .idleConnectionPeriod(idlePeriod(config.idleTimeout()))
                .routing(api::routes)
                .build();
    }

    /** How often idle connections are looked for: a fraction of the timeout, between 100 ms and 2 minutes. */
    private static Duration idlePeriod(Duration timeout) {
        Duration period = timeout.dividedBy(4);
        if (period.compareTo(Duration.ofMillis(100)) < 0) {
            return Duration.ofMillis(100);
        }
        return period.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : period;
    }

    /** The engine behind the API (for tests that check what a request wrote). */
    EmbeddedEventStore store() {
        return store;
    }

    /** Opens the store in {@code config.dataDirectory()} and starts serving; returns once bound. */
    public static StrataServer start(ServerConfig config) {
        StoreConfig.Builder storeConfig = StoreConfig.builder(config.dataDirectory())
                .durability(config.durability())
                .maxEventBytes(config.maxEventBytes())
                .maxEventsPerAppend(config.maxEventsPerAppend())
                .dedupWindow(config.dedupWindow())
                .dedupWindowEvents(config.dedupWindowEvents())
                .syncObserver(new ServerMetrics.FsyncRecorder()); // bound to the server's metrics once they exist
        if (config.memtableEntries() > 0) {
            storeConfig.memtableEntries(config.memtableEntries());
        }
        EmbeddedEventStore store = EmbeddedEventStore.open(storeConfig.build());
        ConsumerGroups groups = null;
        try {
            groups = ConsumerGroups.open(store, config.dataDirectory());
            StrataServer server = new StrataServer(config, store, groups);
            server.web.start();
            server.startGrpc();
            server.ready = true;
            server.grpc.markServing();
            return server;
        } catch (RuntimeException e) {
            if (groups != null) {
                groups.close();
            }
            store.close();
            throw e;
        }
    }

    /** The consumer groups of this server's store (the broker the HTTP and gRPC group APIs serve). */
    public ConsumerGroups groups() {
        return groups;
    }

    private void startGrpc() {
        try {
            grpc = GrpcEndpoint.start(store, groups, config, HttpApi.MAX_LIMIT);
        } catch (RuntimeException e) {
            web.stop();
            throw e;
        }
    }

    /** The bound gRPC port (the chosen one when the config said 0). */
    public int grpcPort() {
        return grpc.port();
    }

    /** Where gRPC clients connect, e.g. {@code 127.0.0.1:7701} (a grpc-java target). */
    public String grpcAddress() {
        return host() + ":" + grpcPort();
    }

    /** The bound HTTP port (the chosen one when the config said 0). */
    public int httpPort() {
        return web.port();
    }

    public ServerConfig config() {
        return config;
    }

    /** The base URL of the HTTP API, e.g. {@code http://127.0.0.1:7700}. */
    public String httpUrl() {
        return "http://" + host() + ":" + httpPort();
    }

    private String host() {
        return config.bindAddress().contains(":") ? "[" + config.bindAddress() + "]" : config.bindAddress();
    }

    /** Graceful stop: refuse new work, end subscriptions, let in-flight requests finish, close the store. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        grpc.beginShutdown();
        sse.stop();
        try {
            web.stop();
            routeHandlers.cut();
        } finally {
            try {
                grpc.awaitTermination(GRPC_SHUTDOWN_GRACE);
            } finally {
                try {
                    groups.close();
                } finally {
                    metrics.close();
                    store.close();
                }
            }
        }
    }
}
