package io.strata.client;

import io.strata.core.Durability;
import io.strata.core.ForwardingEventStore;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A {@link StrataClient} and the real {@link StrataServer} (in this JVM, on random ports) it talks to,
 * as one store: closing it closes the client, then the server. Every call goes to the client.
 */
final class ServedClient extends ForwardingEventStore {
    /** Small memtables keep the many servers of the contract suite light. */
    static final int MEMTABLE_ENTRIES = 4096;

    private final StrataClient client;
    private final StrataServer server;

    ServedClient(StrataClient client, StrataServer server) {
        super(client);
        this.client = client;
        this.server = server;
    }

    StrataClient client() {
        return client;
    }

    StrataServer server() {
        return server;
    }

    /** A server on {@code folder} with durability none (and {@code settings}), and a client of it. */
    static ServedClient start(Path folder, UnaryOperator<ServerConfig.Builder> settings) {
        ServerConfig.Builder config = ServerConfig.builder(folder).httpPort(0).grpcPort(0)
                .durability(Durability.NONE).memtableEntries(MEMTABLE_ENTRIES);
        StrataServer server = StrataServer.start(settings.apply(config).build());
        try {
            return new ServedClient(StrataClient.connect(address(server)), server);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    static String address(StrataServer server) {
        return "127.0.0.1:" + server.grpcPort();
    }

    /** Closes the client and the server, then starts a new server on the same folder and a client of it. */
    ServedClient reopen() {
        ServerConfig config = server.config();
        close();
        StrataServer restarted = StrataServer.start(config);
        return new ServedClient(StrataClient.connect(address(restarted)), restarted);
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
