package io.strata.bench;

import io.strata.core.AllSlice;
import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StoreInfo;
import io.strata.core.StreamSlice;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A target that is a real {@link StrataServer} on loopback, started in the driver's own JVM on the
 * run's folder, and a client of it. A subclass says only how the server listens and how its client
 * connects: {@link HttpTarget} is the whole of {@code strata-http}.
 *
 * <p>Design note: the server shares the JVM (and the machine's 2 cores) with the driver's clients,
 * so a result is client plus server cost, with no process boundary but a real loopback socket; every
 * result line says {@code "server": "in-process"}.
 */
abstract class InProcessServerTarget implements Target {

    /** Adds what the client needs (a port for its protocol, say) to the server's settings. */
    protected void configure(ServerConfig.Builder config) {
    }

    /** A client of the running {@code server}; it is closed before the server. */
    protected abstract EventStore connect(StrataServer server);

    @Override
    public final EventStore open(Path folder, Durability durability) {
        ServerConfig.Builder config = ServerConfig.builder(folder).httpPort(0).durability(durability);
        configure(config);
        StrataServer server = StrataServer.start(config.build());
        try {
            return new ClientOfServer(connect(server), server);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    @Override
    public Map<String, Object> facts() {
        return Map.of("server", "in-process");
    }

    /** The client, which owns its server: closing it closes the client, then the server. */
    private record ClientOfServer(EventStore client, StrataServer server) implements EventStore {
        @Override
        public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
            return client.appendAsync(stream, expected, events);
        }

        @Override
        public AppendResult append(String stream, ExpectedRevision expected, List<EventData> events) {
            return client.append(stream, expected, events);
        }

        @Override
        public StreamSlice readStream(String stream, ReadStreamOptions options) {
            return client.readStream(stream, options);
        }

        @Override
        public AllSlice readAll(ReadAllOptions options) {
            return client.readAll(options);
        }

        @Override
        public Subscription subscribeToStream(String stream, long fromRevision, SubscriptionListener listener) {
            return client.subscribeToStream(stream, fromRevision, listener);
        }

        @Override
        public Subscription subscribeToAll(long fromPosition, EventFilter filter, SubscriptionListener listener) {
            return client.subscribeToAll(fromPosition, filter, listener);
        }

        @Override
        public StoreInfo info() {
            return client.info();
        }

        @Override
        public void close() {
            try {
                client.close();
            } finally {
                server.close();
            }
        }
    }
}
