package io.strata.client;

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
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A {@link StrataClient} and the real {@link StrataServer} (in this JVM, on random ports) it talks to,
 * as one store: closing it closes the client, then the server. Every call goes to the client.
 */
record ServedClient(StrataClient client, StrataServer server) implements EventStore {
    /** Small memtables keep the many servers of the contract suite light. */
    static final int MEMTABLE_ENTRIES = 4096;

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
