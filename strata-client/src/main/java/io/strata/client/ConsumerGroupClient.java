package io.strata.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.strata.core.InvalidRequestException;
import io.strata.protocol.GroupsProtoMapping;
import io.strata.protocol.v1.AckRequest;
import io.strata.protocol.v1.AckResponse;
import io.strata.protocol.v1.ConsumerGroupsGrpc;
import io.strata.protocol.v1.CreateGroupRequest;
import io.strata.protocol.v1.CreateGroupResponse;
import io.strata.protocol.v1.DeleteGroupRequest;
import io.strata.protocol.v1.FetchRequest;
import io.strata.protocol.v1.FetchResponse;
import io.strata.protocol.v1.GetGroupRequest;
import io.strata.protocol.v1.ListGroupsRequest;
import io.strata.protocol.v1.ListGroupsResponse;
import io.strata.protocol.v1.ListParkedRequest;
import io.strata.protocol.v1.ListParkedResponse;
import io.strata.protocol.v1.NackRequest;
import io.strata.protocol.v1.NackResponse;
import io.strata.protocol.v1.ReplayParkedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The consumer groups of a Strata server, over gRPC ({@code strata.v1.ConsumerGroups}): create, inspect
 * and delete groups, list and replay parked messages, and consume by hand with {@link #fetch},
 * {@link #ack} and {@link #nack}. For a service, {@link #consumer} builds a {@link GroupConsumer}, which
 * runs a handler with acks, retries and a graceful stop.
 *
 * <pre>{@code
 * try (ConsumerGroupClient groups = ConsumerGroupClient.connect("127.0.0.1:7701")) {
 *     groups.create("billing", ConsumerGroupSettings.of(Source.all(EventFilter.category("order"))));
 *     try (GroupConsumer consumer = groups.consumer("billing").handler(event -> bill(event)).start()) {
 *         …
 *     }
 * }
 * }</pre>
 *
 * <p>Errors: what the server refuses comes back as the engine's exception with its code
 * ({@code not_found} for an unknown group, {@code group_exists}, {@code invalid_request}); what the
 * network does is a {@link ServerConnectionException} naming the server.
 *
 * <p>One client holds one gRPC channel (one HTTP/2 connection, reconnected when it breaks), shared by
 * the consumers it builds. This class is thread-safe.
 */
public final class ConsumerGroupClient implements AutoCloseable {
    private final String address;
    private final Channel channel;
    private final ManagedChannel ownedChannel; // null when the channel belongs to the caller
    private final ClientErrors errors;
    private final Duration deadline;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ConsumerGroupClient(String address, Channel channel, ManagedChannel ownedChannel, Duration deadline) {
        this.address = address;
        this.channel = channel;
        this.ownedChannel = ownedChannel;
        this.errors = new ClientErrors(address);
        this.deadline = deadline;
    }

    /** A client of the server at {@code address} ({@code host:port}), with a 30 s deadline per call. */
    public static ConsumerGroupClient connect(String address) {
        return connect(address, Duration.ofSeconds(30));
    }

    /**
     * A client of the server at {@code address} whose calls fail with {@link DeadlineExceededException}
     * when no answer comes within {@code deadline} (a fetch gets its wait on top).
     */
    public static ConsumerGroupClient connect(String address, Duration deadline) {
        // Validates the address the way StrataClient does, with the same message.
        StrataClient.builder(address);
        ManagedChannel channel = NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .maxInboundMessageSize(StrataClient.Builder.DEFAULT_MAX_INBOUND_MESSAGE_BYTES)
                // As StrataClient: a silent connection is pinged every 30 s and given up after 10 s more,
                // which ends consumers' calls so that they reconnect. The server permits pings every 10 s.
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .userAgent("strata-client")
                .build();
        return new ConsumerGroupClient(address, channel, channel, positive(deadline));
    }

    /**
     * A client over a channel the caller owns (for example one shared with other gRPC clients); closing
     * this client leaves the channel open. {@code address} only names the server in error messages.
     */
    public static ConsumerGroupClient over(Channel channel, String address, Duration deadline) {
        return new ConsumerGroupClient(Objects.requireNonNull(address, "address"), Objects.requireNonNull(channel, "channel"),
                null, positive(deadline));
    }

    /** The server's address, as given. */
    public String address() {
        return address;
    }

    // ---- groups

    /**
     * Creates the group, or finds it when it exists with equal settings ({@code created} false).
     *
     * @throws io.strata.core.StrataException {@code group_exists} when it exists with other settings
     */
    public ConsumerGroupCreation create(String group, ConsumerGroupSettings settings) {
        CreateGroupResponse response = call(ConsumerGroupsGrpc.getCreateGroupMethod(), CreateGroupRequest.newBuilder()
                .setGroup(group).setSettings(ConsumerGroupMapping.toProto(settings)).build(), deadline);
        return new ConsumerGroupCreation(ConsumerGroupMapping.fromProto(response.getGroup()), response.getCreated());
    }

    /**
     * The group's status and settings.
     *
     * @throws io.strata.core.StrataException {@code not_found} when there is no such group
     */
    public ConsumerGroupStatus get(String group) {
        return ConsumerGroupMapping.fromProto(call(ConsumerGroupsGrpc.getGetGroupMethod(),
                GetGroupRequest.newBuilder().setGroup(group).build(), deadline));
    }

    /** Every group's status, by name. */
    public List<ConsumerGroupStatus> list() {
        ListGroupsResponse response = call(ConsumerGroupsGrpc.getListGroupsMethod(), ListGroupsRequest.getDefaultInstance(), deadline);
        return response.getGroupsList().stream().map(ConsumerGroupMapping::fromProto).toList();
    }

    /**
     * Deletes the group and its state; its consumers stop with {@code not_found}.
     *
     * @throws io.strata.core.StrataException {@code not_found} when there is no such group
     */
    public void delete(String group) {
        call(ConsumerGroupsGrpc.getDeleteGroupMethod(), DeleteGroupRequest.newBuilder().setGroup(group).build(), deadline);
    }

    // ---- consuming by hand

    /**
     * Leases up to {@code max} (1 to 1,000) messages to {@code consumer}, waiting up to {@code wait}
     * (at most 5 minutes) for the first one: a long poll. Ack or nack each within the group's ack timeout.
     */
    public List<ConsumerMessage> fetch(String group, String consumer, int max, Duration wait) {
        if (max < 1) {
            throw new InvalidRequestException("max must be at least 1, got " + max);
        }
        FetchResponse response = call(ConsumerGroupsGrpc.getFetchMethod(), FetchRequest.newBuilder()
                .setGroup(group).setConsumer(consumer).setMax(max).setWait(GroupsProtoMapping.toProto(wait)).build(),
                deadline.plus(wait));
        List<ConsumerMessage> messages = new ArrayList<>(response.getMessagesCount());
        response.getMessagesList().forEach(message -> messages.add(ConsumerGroupMapping.fromProto(message)));
        return messages;
    }

    /** Finishes the messages of these ackIds; late or unknown ones are counted, not failed. */
    public ConsumerAckResult ack(String group, Collection<String> ackIds) {
        AckResponse response = call(ConsumerGroupsGrpc.getAckMethod(),
                AckRequest.newBuilder().setGroup(group).addAllAckIds(ackIds).build(), deadline);
        return new ConsumerAckResult(response.getAcked(), response.getUnknown());
    }

    /** Gives messages back: retry after {@code delay}, park, or skip; unknown ackIds as for {@link #ack}. */
    public ConsumerAckResult nack(String group, Collection<String> ackIds, ConsumerNackAction action, Duration delay) {
        NackResponse response = call(ConsumerGroupsGrpc.getNackMethod(), NackRequest.newBuilder()
                .setGroup(group).addAllAckIds(ackIds).setAction(ConsumerGroupMapping.toProto(action))
                .setDelay(GroupsProtoMapping.toProto(delay)).build(), deadline);
        return new ConsumerAckResult(response.getNacked(), response.getUnknown());
    }

    // ---- parked messages

    /** The first {@code limit} (1 to 10,000) parked messages, in position order. */
    public List<ConsumerParkedMessage> parked(String group, int limit) {
        if (limit < 1) {
            throw new InvalidRequestException("limit must be at least 1, got " + limit);
        }
        ListParkedResponse response = call(ConsumerGroupsGrpc.getListParkedMethod(),
                ListParkedRequest.newBuilder().setGroup(group).setLimit(limit).build(), deadline);
        return response.getMessagesList().stream().map(ConsumerGroupMapping::fromProto).toList();
    }

    /** Delivers every parked message again (delivery count from 1); returns how many. */
    public int replayParked(String group) {
        return call(ConsumerGroupsGrpc.getReplayParkedMethod(), ReplayParkedRequest.newBuilder().setGroup(group).build(), deadline)
                .getReplayed();
    }

    // ---- the consumer

    /** A consumer of {@code group} over this client's channel; closing the consumer leaves this client open. */
    public GroupConsumer.Builder consumer(String group) {
        ensureOpen();
        return new GroupConsumer.Builder(this, false, group);
    }

    /** Closes the channel (when this client made it), waiting up to 5 s for calls in progress. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        errors.clientClosed();
        if (ownedChannel == null) {
            return;
        }
        ownedChannel.shutdown();
        try {
            if (!ownedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
                ownedChannel.shutdownNow();
                ownedChannel.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            ownedChannel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ConsumerGroupClient[" + address + (closed.get() ? ", closed" : "") + "]";
    }

    // ---- for GroupConsumer

    Channel channel() {
        return channel;
    }

    ClientErrors errors() {
        return errors;
    }

    Duration deadline() {
        return deadline;
    }

    boolean isClosed() {
        return closed.get();
    }

    // ---- helpers

    private <Q, R> R call(MethodDescriptor<Q, R> method, Q request, Duration callDeadline) {
        ensureOpen();
        try {
            return ClientCalls.blockingUnaryCall(channel, method,
                    CallOptions.DEFAULT.withDeadlineAfter(callDeadline.toNanos(), TimeUnit.NANOSECONDS), request);
        } catch (RuntimeException e) {
            throw errors.fromThrowable(e, callDeadline);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw errors.closed();
        }
    }

    private static Duration positive(Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
        return deadline;
    }
}
