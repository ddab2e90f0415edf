package io.strata.server.grpc;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.strata.core.EventStore;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.server.ServerConfig;
import io.strata.server.groups.ConsumerGroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gRPC API ({@code strata.v1.EventStore}, plus {@code grpc.health.v1.Health} and server reflection)
 * over one {@link EventStore}, on grpc-java's Netty transport.
 *
 * <p>Executor: every call's callbacks run on virtual threads (one started per task, nothing to shut
 * down). Reads block on file I/O, so a small fixed pool would let a few slow reads hold up every other call
 * (appends, subscriptions), and an unbounded platform pool (grpc-java's default) costs a platform thread
 * per blocked read. What bounds the work is per call and per connection, not the pool: at most
 * {@code grpcMaxCallsPerConnection} calls per connection, each with its own memory bounds
 * ({@link GrpcLimits}).
 *
 * <p>Lifecycle: {@link #start} binds and reports health {@code NOT_SERVING}; {@link #markServing} once the
 * server is ready; {@link #beginShutdown} refuses new calls, ends subscriptions and lets append streams
 * answer what they read; {@link #awaitTermination} waits for in-flight calls up to a deadline, then cancels
 * what is left. The store is closed by the caller, after this.
 */
public final class GrpcEndpoint {
    /** How often the server pings an idle connection to find dead clients (their subscriptions end). */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    /** Clients may ping this often (grpc-java refuses pings more often than every 5 minutes by default). */
    private static final Duration PERMIT_CLIENT_KEEP_ALIVE = Duration.ofSeconds(10);

    private final Server server;
    private final HealthStatusManager health;
    private final OpenCalls calls;
    private final ConsumerGroupsService groupsService; // null when no consumer groups are served
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    private GrpcEndpoint(Server server, HealthStatusManager health, OpenCalls calls, ConsumerGroupsService groupsService) {
        this.server = server;
        this.health = health;
        this.calls = calls;
        this.groupsService = groupsService;
    }

    /**
     * Binds {@code config.bindAddress():config.grpcPort()} and starts serving {@code store}.
     *
     * @param maxPageEvents the most events in one read page (the HTTP API's limit, so both agree)
     * @throws UncheckedIOException the port cannot be bound
     */
    public static GrpcEndpoint start(EventStore store, ServerConfig config, int maxPageEvents) {
        return serve(store, null, config, maxPageEvents);
    }

    /** As {@link #start(EventStore, ServerConfig, int)}, also serving {@code groups} ({@code strata.v1.ConsumerGroups}). */
    public static GrpcEndpoint start(EventStore store, ConsumerGroups groups, ServerConfig config, int maxPageEvents) {
        return serve(store, java.util.Objects.requireNonNull(groups, "groups"), config, maxPageEvents);
    }

    private static GrpcEndpoint serve(EventStore store, ConsumerGroups groups, ServerConfig config, int maxPageEvents) {
        GrpcLimits limits = GrpcLimits.of(config, maxPageEvents);
        // One virtual thread per task, so no counter in the name: numbering them was 2.5 % of the
        // CPU-time samples in W6 over gRPC, where every batch a subscriber is sent starts one.
        ThreadFactory threads = Thread.ofVirtual().name("strata-grpc").factory();
        Executor executor = task -> threads.newThread(task).start();
        OpenCalls calls = new OpenCalls();
        EventStoreService service = new EventStoreService(store, executor,
                new PageReader(store, limits.maxPageEvents(), limits.pageBytes()), calls, limits);
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        health.setStatus(EventStoreGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
        ConsumerGroupsService groupsService = groups == null ? null : new ConsumerGroupsService(groups);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindAddress(), config.grpcPort()))
                .executor(executor)
                .maxInboundMessageSize(limits.maxMessageBytes())
                .maxInboundMetadataSize(config.maxHeaderBytes())
                .maxConcurrentCallsPerConnection(config.grpcMaxCallsPerConnection())
                .keepAliveTime(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(PERMIT_CLIENT_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(MalformedMessageGuard.guard(service.definition()))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance());
        if (groupsService != null) {
            builder.addService(MalformedMessageGuard.guard(groupsService.bindService()));
        }
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve gRPC on " + config.bindAddress() + ":" + config.grpcPort()
                    + ": " + e.getMessage(), e);
        }
        return new GrpcEndpoint(server, health, calls, groupsService);
    }

    /** The bound port (the chosen one when the config said 0). */
    public int port() {
        return server.getPort();
    }

    /** Health reports {@code SERVING}: the store is open and appends are taken. */
    public void markServing() {
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(EventStoreGrpc.SERVICE_NAME, ServingStatus.SERVING);
    }

    /**
     * Health goes {@code NOT_SERVING}, new calls are refused, subscriptions end {@code UNAVAILABLE} and
     * append streams stop reading; in-flight appends go on. Returns at once.
     */
    public void beginShutdown() {
        if (!shuttingDown.compareAndSet(false, true)) {
            return;
        }
        health.enterTerminalState();
        server.shutdown();
        calls.stop();
        if (groupsService != null) {
            groupsService.stop(); // long polls and Consume calls end UNAVAILABLE
        }
    }

    /**
     * Waits up to {@code grace} for the calls in progress to finish, then cancels the rest. Returns once
     * the transport has stopped (or after one more second).
     */
    public void awaitTermination(Duration grace) {
        beginShutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Subscriptions being served. */
    public int openSubscriptions() {
        return calls.subscriptions();
    }

    OpenCalls calls() {
        return calls;
    }
}
