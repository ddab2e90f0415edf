package io.strata.server.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strata.core.Durability;
import io.strata.server.ServerConfig;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real gRPC endpoint on a free port over a real store in a folder, for tests that look inside the
 * endpoint (its open calls, its append-stream counters). Tests of the whole server use StrataServer.
 */
final class GrpcTestServer implements AutoCloseable {
    /** The HTTP API's page limit, which StrataServer passes. */
    static final int MAX_PAGE_EVENTS = 1000;

    final EmbeddedEventStore store;
    final GrpcEndpoint endpoint;
    private final ManagedChannel channel;

    private GrpcTestServer(EmbeddedEventStore store, GrpcEndpoint endpoint, ManagedChannel channel) {
        this.store = store;
        this.endpoint = endpoint;
        this.channel = channel;
    }

    static GrpcTestServer start(Path dir, UnaryOperator<ServerConfig.Builder> settings) {
        ServerConfig config = settings.apply(ServerConfig.builder(dir).httpPort(0).grpcPort(0).durability(Durability.NONE)
                .memtableEntries(1024)).build();
        EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir)
                .durability(config.durability())
                .maxEventBytes(config.maxEventBytes())
                .maxEventsPerAppend(config.maxEventsPerAppend())
                .memtableEntries(config.memtableEntries())
                .build());
        GrpcEndpoint endpoint = GrpcEndpoint.start(store, config, MAX_PAGE_EVENTS);
        endpoint.markServing();
        return new GrpcTestServer(store, endpoint, channel(endpoint.port(), NettyChannelBuilder::usePlaintext));
    }

    static ManagedChannel channel(int port, UnaryOperator<NettyChannelBuilder> settings) {
        return settings.apply(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()).build();
    }

    ManagedChannel channel() {
        return channel;
    }

    OpenCalls calls() {
        return endpoint.calls();
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        endpoint.awaitTermination(java.time.Duration.ofSeconds(5));
        store.close();
    }
}
