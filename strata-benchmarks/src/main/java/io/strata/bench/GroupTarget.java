package io.strata.bench;

import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.util.Map;
import java.util.function.Function;

/**
 * W7's view of a target: the consumer groups of its store, reached the way that target's users reach
 * them. {@code strata-embedded} calls {@code ConsumerGroups} in-process; {@code strata-http} fetches and
 * acks through {@code HttpGroupsClient}; {@code strata-grpc} runs {@code GroupConsumer}s. The groups it
 * creates all read the workload's streams ({@link W7ConsumerGroup#STREAM_PREFIX}) from the start of the
 * log, with per-stream ordering and the default ack timeout (30 s) and maxDeliveries (5).
 *
 * <p>Design note: the server targets give a workload only an {@code EventStore}, not their server, so
 * the server ones start a {@link StrataServer} of their own on the run's store, after the setup went
 * through the target: the same in-process server, listening on loopback for both protocols.
 */
interface GroupTarget extends AutoCloseable {

    /** The target of {@code context} as W7 sees it, open on the run's store with the run's durability. */
    static GroupTarget open(RunContext context) {
        return switch (context.targetName()) {
            case Targets.EMBEDDED -> EmbeddedGroupTarget.open(context);
            case Targets.HTTP -> HttpGroupTarget.start(context);
            case Targets.GRPC -> GrpcGroupTarget.start(context);
            default -> throw new IllegalArgumentException("W7 has no consumers for target " + context.targetName());
        };
    }

    /** A server on the run's store (the setup's data), HTTP and gRPC on loopback ports chosen by the system. */
    static StrataServer startServer(RunContext context) {
        return StrataServer.start(ServerConfig.builder(context.folder().resolve("store"))
                .httpPort(0).grpcPort(0).durability(context.durability()).build());
    }

    /** A target made by {@code connect} on a server of its own ({@link #startServer}); the server is closed if connecting fails. */
    static <T extends GroupTarget> T onOwnServer(RunContext context, Function<StrataServer, T> connect) {
        StrataServer server = startServer(context);
        try {
            return connect.apply(server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Creates {@code group} over the workload's streams, from the start, per-stream ordering. */
    void create(String group);

    /** Starts {@code consumers} consumers of {@code group}, each acking every message it gets; they report into {@code pass}. */
    Consumers start(String group, int consumers, GroupPass pass);

    /** The group's lag and parked messages, as the server counts them. */
    GroupState state(String group);

    void delete(String group);

    /** How the consumers talk to the group, for the result line (API, batch sizes, what the latency is). */
    Map<String, Object> facts();

    /** Closes clients, then the server or the groups and the store. */
    @Override
    void close();

    /** Running consumers; closing stops them and waits until they have. */
    interface Consumers extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * @param lag    source events not yet acked, skipped or parked
     * @param parked messages parked (W7's handlers never fail, so any is a broken run)
     */
    record GroupState(long lag, long parked) {
    }
}
