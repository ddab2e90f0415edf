package io.strata.server;

import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.time.Duration;

/**
 * The Strata server: the embedded engine behind the HTTP/JSON + SSE API of spec/http-api.md, on
 * Helidon SE's virtual-thread web server. gRPC is not served by this class (yet).
 *
 * <pre>
 *   start: open store (recovery) ──► bind HTTP ──► ready
 *   close: not ready ──► end SSE streams ──► stop HTTP (in-flight requests finish) ──► close store
 * </pre>
 */
public final class StrataServer implements AutoCloseable {
    private final ServerConfig config;
    private final EmbeddedEventStore store;
    private final SseEndpoint sse;
    private final ServerMetrics metrics;
    private final WebServer web;
    private volatile boolean ready;
    private boolean closed;

    private StrataServer(ServerConfig config, EmbeddedEventStore store) {
        this.config = config;
        this.store = store;
        this.sse = new SseEndpoint(store, config);
        this.metrics = new ServerMetrics(store, sse::openSubscriptions);
        HttpApi api = new HttpApi(store, config, () -> ready, sse, metrics);
        this.web = WebServer.builder()
                .host(config.bindAddress())
                .port(config.httpPort())
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(5))
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
                .maxEventsPerAppend(config.maxEventsPerAppend());
        if (config.memtableEntries() > 0) {
            storeConfig.memtableEntries(config.memtableEntries());
        }
        EmbeddedEventStore store = EmbeddedEventStore.open(storeConfig.build());
        try {
            StrataServer server = new StrataServer(config, store);
            server.web.start();
            server.ready = true;
            return server;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
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
        String host = config.bindAddress().contains(":") ? "[" + config.bindAddress() + "]" : config.bindAddress();
        return "http://" + host + ":" + httpPort();
    }

    /** Graceful stop: refuse new work, end subscriptions, let in-flight requests finish, close the store. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        sse.stop();
        try {
            web.stop();
        } finally {
            metrics.close();
            store.close();
        }
    }
}
