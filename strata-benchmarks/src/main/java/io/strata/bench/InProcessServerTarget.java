package io.strata.bench;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import io.strata.core.ForwardingEventStore;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.nio.file.Path;
import java.util.Map;

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
    private static final class ClientOfServer extends ForwardingEventStore {
        private final StrataServer server;

        ClientOfServer(EventStore client, StrataServer server) {
            super(client);
            this.server = server;
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                server.close();
            }
        }
    }
}
