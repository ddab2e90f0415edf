package io.strata.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.core.InvalidRequestException;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.protocol.v1.AckRequest;
import io.strata.protocol.v1.AckResponse;
import io.strata.protocol.v1.ConsumeRequest;
import io.strata.protocol.v1.ConsumeResponse;
import io.strata.protocol.v1.ConsumerGroupsGrpc;
import io.strata.protocol.v1.CreateGroupRequest;
import io.strata.protocol.v1.CreateGroupResponse;
import io.strata.protocol.v1.DeleteGroupRequest;
import io.strata.protocol.v1.DeleteGroupResponse;
import io.strata.protocol.v1.FetchRequest;
import io.strata.protocol.v1.FetchResponse;
import io.strata.protocol.v1.GetGroupRequest;
import io.strata.protocol.v1.GroupInfo;
import io.strata.protocol.v1.ListGroupsRequest;
import io.strata.protocol.v1.ListGroupsResponse;
import io.strata.protocol.v1.ListParkedRequest;
import io.strata.protocol.v1.ListParkedResponse;
import io.strata.protocol.v1.NackRequest;
import io.strata.protocol.v1.NackResponse;
import io.strata.protocol.v1.ReplayParkedRequest;
import io.strata.protocol.v1.ReplayParkedResponse;
import io.strata.server.groups.AckResult;
import io.strata.server.groups.ConsumerGroup;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.groups.GroupCreation;
import io.strata.server.groups.GroupStatus;
import io.strata.server.groups.Message;
import io.strata.server.groups.NackAction;
import io.strata.server.groups.NackResult;
import io.strata.server.groups.ParkedMessage;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code strata.v1.ConsumerGroups} over the server's {@link ConsumerGroups}: the same core calls as the
 * HTTP API's groups, with {@code consumer_groups.proto}'s messages, defaults and error table. Unary
 * calls run on the endpoint's virtual threads; a {@code Fetch} long poll blocks its virtual thread and
 * is woken when its call is cancelled or the server stops ({@link LongPolls}). {@code Consume} calls
 * are {@link ConsumeCall}s.
 */
final class ConsumerGroupsService extends ConsumerGroupsGrpc.ConsumerGroupsImplBase {
    /** {@code max} of a fetch that leaves it unset. */
    static final int DEFAULT_FETCH_MAX = 100;
    /** {@code limit} of a parked listing that leaves it unset. */
    static final int DEFAULT_PARKED_LIMIT = 100;

    private final ConsumerGroups groups;
    private final LongPolls longPolls = new LongPolls();
    private final Set<ConsumeCall> consumeCalls = ConcurrentHashMap.newKeySet();

    ConsumerGroupsService(ConsumerGroups groups) {
        this.groups = groups;
    }

    // ---- groups

    @Override
    public void createGroup(CreateGroupRequest request, StreamObserver<CreateGroupResponse> observer) {
        unary(observer, () -> {
            if (!request.hasSettings()) {
                throw new InvalidRequestException("CreateGroup needs settings (at least a source)");
            }
            GroupCreation creation = groups.create(request.getGroup(), GroupsMapping.fromProto(request.getSettings()));
            return CreateGroupResponse.newBuilder()
                    .setGroup(GroupsMapping.toProto(creation.group().status()))
                    .setCreated(creation.created())
                    .build();
        });
    }

    @Override
    public void getGroup(GetGroupRequest request, StreamObserver<GroupInfo> observer) {
        unary(observer, () -> GroupsMapping.toProto(groups.get(request.getGroup()).status()));
    }

    @Override
    public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> observer) {
        unary(observer, () -> {
            ListGroupsResponse.Builder response = ListGroupsResponse.newBuilder();
            for (GroupStatus status : groups.list()) {
                response.addGroups(GroupsMapping.toProto(status));
            }
            return response.build();
        });
    }

    @Override
    public void deleteGroup(DeleteGroupRequest request, StreamObserver<DeleteGroupResponse> observer) {
        unary(observer, () -> {
            groups.delete(request.getGroup());
            return DeleteGroupResponse.getDefaultInstance();
        });
    }

    // ---- consuming, unary

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchResponse> observer) {
        unary(observer, () -> {
            ConsumerGroup group = groups.get(request.getGroup());
            int max = GroupsMapping.countOr(request.getMax(), DEFAULT_FETCH_MAX);
            Duration wait = GroupsMapping.durationOrZero(request.hasWait(), request.getWait(), "wait");
            LongPolls.Outcome<List<Message>> polled = longPolls.run(() -> group.fetch(request.getConsumer(), max, wait));
            if (polled.abandoned()) {
                giveBack(group, polled.value());
                // Cancelled: nobody reads this answer. Shutting down: the client retries elsewhere.
                throw new StoreUnavailableException(longPolls.stopping() ? LongPolls.SHUTTING_DOWN : "the fetch was cancelled");
            }
            FetchResponse.Builder response = FetchResponse.newBuilder();
            for (Message message : polled.value()) {
                response.addMessages(GroupsMapping.toProto(message));
            }
            return response.build();
        });
    }

    @Override
    public void ack(AckRequest request, StreamObserver<AckResponse> observer) {
        unary(observer, () -> {
            AckResult result = groups.get(request.getGroup()).ack(request.getAckIdsList());
            return AckResponse.newBuilder().setAcked(result.acked()).setUnknown(result.unknown()).build();
        });
    }

    @Override
    public void nack(NackRequest request, StreamObserver<NackResponse> observer) {
        unary(observer, () -> {
            ConsumerGroup group = groups.get(request.getGroup());
            NackResult result = group.nack(request.getAckIdsList(), GroupsMapping.fromProto(request.getAction()),
                    GroupsMapping.durationOrZero(request.hasDelay(), request.getDelay(), "delay"));
            return NackResponse.newBuilder().setNacked(result.nacked()).setUnknown(result.unknown()).build();
        });
    }

    // ---- parked

    @Override
    public void listParked(ListParkedRequest request, StreamObserver<ListParkedResponse> observer) {
        unary(observer, () -> {
            List<ParkedMessage> parked = groups.get(request.getGroup())
                    .parked(GroupsMapping.countOr(request.getLimit(), DEFAULT_PARKED_LIMIT));
            ListParkedResponse.Builder response = ListParkedResponse.newBuilder();
            for (ParkedMessage message : parked) {
                response.addMessages(GroupsMapping.toProto(message));
            }
            return response.build();
        });
    }

    @Override
    public void replayParked(ReplayParkedRequest request, StreamObserver<ReplayParkedResponse> observer) {
        unary(observer, () -> ReplayParkedResponse.newBuilder()
                .setReplayed(groups.get(request.getGroup()).replayParked())
                .build());
    }

    // ---- consuming, streaming

    @Override
    public StreamObserver<ConsumeRequest> consume(StreamObserver<ConsumeResponse> observer) {
        ConsumeCall call = new ConsumeCall(groups, (ServerCallStreamObserver<ConsumeResponse>) observer, consumeCalls::remove);
        consumeCalls.add(call);
        if (longPolls.stopping()) { // checked after adding: stop() either sees the call or the call sees stopping
            call.shutDown();
        }
        return call;
    }

    // ---- shutdown

    /** The server is shutting down: waiting fetches and open Consume calls end {@code UNAVAILABLE}. */
    void stop() {
        longPolls.stop();
        for (ConsumeCall call : consumeCalls) {
            call.shutDown();
        }
    }

    /** Consume calls open now (for tests). */
    int openConsumeCalls() {
        return consumeCalls.size();
    }

    /** Messages leased for a call that is no longer there go to the next consumer at once. */
    private static void giveBack(ConsumerGroup group, List<Message> leased) {
        if (leased.isEmpty()) {
            return;
        }
        try {
            group.nack(leased.stream().map(Message::ackId).toList(), NackAction.RETRY, Duration.ZERO);
        } catch (StrataException e) {
            // the group was deleted or the registry closed meanwhile
        }
    }

    private static <T> void unary(StreamObserver<T> observer, Supplier<T> answer) {
        T response;
        try {
            response = answer.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
