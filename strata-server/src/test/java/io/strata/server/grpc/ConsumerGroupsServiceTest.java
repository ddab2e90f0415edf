package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.strata.core.Durability;
import io.strata.protocol.ProtoErrors;
import io.strata.protocol.v1.AckRequest;
import io.strata.protocol.v1.AckResponse;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.ConsumeRequest;
import io.strata.protocol.v1.ConsumeResponse;
import io.strata.protocol.v1.ConsumerGroupsGrpc;
import io.strata.protocol.v1.CreateGroupRequest;
import io.strata.protocol.v1.CreateGroupResponse;
import io.strata.protocol.v1.DeleteGroupRequest;
import io.strata.protocol.v1.Error;
import io.strata.protocol.v1.EventData;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.ExpectedRevision;
import io.strata.protocol.v1.FetchRequest;
import io.strata.protocol.v1.FetchResponse;
import io.strata.protocol.v1.Filter;
import io.strata.protocol.v1.GetGroupRequest;
import io.strata.protocol.v1.GroupInfo;
import io.strata.protocol.v1.GroupMessage;
import io.strata.protocol.v1.GroupSettings;
import io.strata.protocol.v1.GroupStart;
import io.strata.protocol.v1.ListGroupsRequest;
import io.strata.protocol.v1.ListParkedRequest;
import io.strata.protocol.v1.ListParkedResponse;
import io.strata.protocol.v1.Nack;
import io.strata.protocol.v1.NackAction;
import io.strata.protocol.v1.NackRequest;
import io.strata.protocol.v1.NackResponse;
import io.strata.protocol.v1.ParkedMessage;
import io.strata.protocol.v1.ReplayParkedRequest;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata.v1.ConsumerGroups} against a real server on random ports, through the generated stubs:
 * the unary calls with the HTTP API's semantics and error table, and the {@code Consume} stream's
 * credits, acks, drain, half-close, cancel and shutdown.
 */
class ConsumerGroupsServiceTest {
    @TempDir
    Path dir;

    private StrataServer server;
    private ManagedChannel channel;
    private ConsumerGroupsGrpc.ConsumerGroupsBlockingStub groups;
    private EventStoreGrpc.EventStoreBlockingStub store;

    @BeforeEach
    void start() {
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).grpcPort(0).durability(Durability.NONE)
                .memtableEntries(1024).build());
        channel = GrpcTestServer.channel(server.grpcPort(), builder -> builder);
        groups = ConsumerGroupsGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        store = EventStoreGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (server != null) {
            server.close();
        }
    }

    // ---- groups

    @Test
    void createIsIdempotentAndRefusesOtherSettingsUnderTheSameName() {
        CreateGroupResponse created = create("billing", streamSource("order-1"));
        assertThat(created.getCreated()).isTrue();
        assertThat(created.getGroup().getName()).isEqualTo("billing");

        assertThat(create("billing", streamSource("order-1")).getCreated()).as("same settings: found").isFalse();

        Error exists = failure(() -> create("billing", streamSource("order-2")), Status.Code.ALREADY_EXISTS, "group_exists");
        assertThat(exists.getMessage()).contains("billing");
    }

    @Test
    void unsetSettingsTakeTheHttpApisDefaultsAndEverySettingRoundTrips() {
        GroupInfo defaults = create("defaults", streamSource("order-1")).getGroup();
        assertThat(defaults.getSettings().getFrom().getKind()).isEqualTo(GroupStart.Kind.END);
        assertThat(defaults.getSettings().getOrdering()).isEqualTo(GroupSettings.Ordering.PER_STREAM);
        assertThat(defaults.getSettings().getMaxDeliveries()).isEqualTo(5);
        assertThat(defaults.getSettings().getAckTimeout().getSeconds()).isEqualTo(30);

        GroupSettings everything = GroupSettings.newBuilder()
                .setAll(Filter.newBuilder().addTypes("OrderPlaced").setCategory("order").setStreamPrefix("order-"))
                .setFrom(GroupStart.newBuilder().setKind(GroupStart.Kind.POSITION).setPosition(7))
                .setOrdering(GroupSettings.Ordering.NONE)
                .setMaxDeliveries(3)
                .setAckTimeout(com.google.protobuf.Duration.newBuilder().setNanos(250_000_000))
                .build();
        GroupInfo created = create("everything", everything).getGroup();
        assertThat(created.getSettings()).isEqualTo(everything);
        assertThat(groups.getGroup(GetGroupRequest.newBuilder().setGroup("everything").build()).getSettings())
                .isEqualTo(everything);
        assertThat(groups.listGroups(ListGroupsRequest.getDefaultInstance()).getGroupsList())
                .extracting(GroupInfo::getName).containsExactly("defaults", "everything");
    }

    @Test
    void deletedGroupIsNotFoundAndBadInputIsInvalidArgument() {
        create("gone", streamSource("order-1"));
        groups.deleteGroup(DeleteGroupRequest.newBuilder().setGroup("gone").build());
        failure(() -> groups.getGroup(GetGroupRequest.newBuilder().setGroup("gone").build()), Status.Code.NOT_FOUND, "not_found");
        failure(() -> groups.deleteGroup(DeleteGroupRequest.newBuilder().setGroup("gone").build()), Status.Code.NOT_FOUND, "not_found");
        failure(() -> fetch("gone", 1, Duration.ZERO), Status.Code.NOT_FOUND, "not_found");

        failure(() -> create(".hidden", streamSource("order-1")), Status.Code.INVALID_ARGUMENT, "invalid_request");
        failure(() -> groups.createGroup(CreateGroupRequest.newBuilder().setGroup("no-source")
                .setSettings(GroupSettings.getDefaultInstance()).build()), Status.Code.INVALID_ARGUMENT, "invalid_request");
        failure(() -> create("too-many", streamSource("order-1").toBuilder().setMaxDeliveries(5000).build()),
                Status.Code.INVALID_ARGUMENT, "invalid_request");
        create("ok", streamSource("order-1"));
        failure(() -> fetch("ok", 5000, Duration.ZERO), Status.Code.INVALID_ARGUMENT, "invalid_request");
        failure(() -> fetch("ok", 1, Duration.ofMinutes(10)), Status.Code.INVALID_ARGUMENT, "invalid_request");
        failure(() -> groups.fetch(FetchRequest.newBuilder().setGroup("ok").setConsumer("c").setMax(1)
                        .setWait(com.google.protobuf.Duration.newBuilder().setSeconds(-1)).build()),
                Status.Code.INVALID_ARGUMENT, "invalid_request");
        failure(() -> groups.fetch(FetchRequest.newBuilder().setGroup("ok").setMax(1).build()),
                Status.Code.INVALID_ARGUMENT, "invalid_request"); // no consumer name
    }

    // ---- unary consuming

    @Test
    void fetchAckNackParkAndReplayFollowTheGroupRules() {
        append("order-1", 3);
        create("billing", streamSource("order-1").toBuilder().setFrom(fromStart()).build());

        List<GroupMessage> first = fetch("billing", 10, Duration.ZERO).getMessagesList();
        assertThat(first).as("per-stream: one in flight").hasSize(1);
        assertThat(first.getFirst().getDeliveryCount()).isEqualTo(1);
        assertThat(first.getFirst().getEvent().getRevision()).isZero();
        AckResponse acked = groups.ack(AckRequest.newBuilder().setGroup("billing").addAckIds(first.getFirst().getAckId())
                .addAckIds("not-an-ack-id").build());
        assertThat(acked.getAcked()).isEqualTo(1);
        assertThat(acked.getUnknown()).isEqualTo(1);

        GroupMessage second = fetch("billing", 10, Duration.ZERO).getMessages(0);
        assertThat(second.getEvent().getRevision()).isEqualTo(1);
        NackResponse retried = groups.nack(NackRequest.newBuilder().setGroup("billing").addAckIds(second.getAckId())
                .setAction(NackAction.RETRY).build());
        assertThat(retried.getNacked()).isEqualTo(1);
        GroupMessage again = fetch("billing", 10, Duration.ofSeconds(5)).getMessages(0);
        assertThat(again.getEvent().getRevision()).isEqualTo(1);
        assertThat(again.getDeliveryCount()).isEqualTo(2);

        groups.nack(NackRequest.newBuilder().setGroup("billing").addAckIds(again.getAckId()).setAction(NackAction.PARK).build());
        ListParkedResponse parked = groups.listParked(ListParkedRequest.newBuilder().setGroup("billing").build());
        assertThat(parked.getMessagesList()).singleElement().satisfies(message -> {
            assertThat(message.getEvent().getRevision()).isEqualTo(1);
            assertThat(message.getReason()).isEqualTo(ParkedMessage.Reason.NACKED);
            assertThat(message.getDeliveryCount()).isEqualTo(2);
        });
        assertThat(groups.getGroup(GetGroupRequest.newBuilder().setGroup("billing").build()).getParked()).isEqualTo(1);

        GroupMessage third = fetch("billing", 10, Duration.ofSeconds(5)).getMessages(0);
        assertThat(third.getEvent().getRevision()).as("parking released the stream").isEqualTo(2);
        groups.ack(AckRequest.newBuilder().setGroup("billing").addAckIds(third.getAckId()).build());

        assertThat(groups.replayParked(ReplayParkedRequest.newBuilder().setGroup("billing").build()).getReplayed()).isEqualTo(1);
        GroupMessage replayed = fetch("billing", 10, Duration.ofSeconds(5)).getMessages(0);
        assertThat(replayed.getEvent().getRevision()).isEqualTo(1);
        assertThat(replayed.getDeliveryCount()).as("replay starts counting again").isEqualTo(1);
    }

    @Test
    void aFetchWaitsForTheNextEventLikeTheHttpLongPoll() {
        create("live", streamSource("order-9"));
        CompletableFuture<FetchResponse> waiting = CompletableFuture.supplyAsync(() -> fetch("live", 10, Duration.ofSeconds(30)),
                runnable -> Thread.ofVirtual().start(runnable));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumers("live") == 1); // the fetch is waiting
        append("order-9", 1);
        assertThat(waiting.join().getMessagesList()).extracting(m -> m.getEvent().getStream()).containsExactly("order-9");
    }

    @Test
    void aFetchCancelledWhileWaitingLeasesNothing() throws Exception {
        create("cancelled", streamSource("order-5"));
        Context.CancellableContext context = Context.current().withCancellation();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> context.run(() -> {
            try {
                fetch("cancelled", 10, Duration.ofSeconds(60));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumers("cancelled") == 1);
        context.cancel(null);
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(StatusRuntimeException.class);

        append("order-5", 1);
        // Had the cancelled poll still been waiting, it would have leased this event to nobody.
        assertThat(fetch("cancelled", 10, Duration.ofSeconds(10)).getMessagesList()).hasSize(1);
    }

    // ---- Consume

    @Test
    void consumeSendsNoMoreThanTheCreditsAndMoreAsAcksGiveThemBack() throws Exception {
        for (int s = 0; s < 20; s++) {
            append("order-" + s, 1);
        }
        create("stream", allSource().toBuilder().setFrom(fromStart()).build());
        ConsumeStream consume = ConsumeStream.start(channel, "stream", "c1", 5);

        List<GroupMessage> firstFive = consume.take(5);
        consume.send(ConsumeRequest.newBuilder().addAllAckIds(ackIds(firstFive)).build()); // acks, no credits
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            GroupInfo group = info("stream");
            assertThat(group.getLag()).as("five acked").isEqualTo(15);
            assertThat(group.getInFlight()).as("nothing leased beyond the credits").isZero();
        });
        assertThat(consume.responses).isEmpty();

        consume.send(ConsumeRequest.newBuilder().setCredits(15).build());
        List<GroupMessage> rest = consume.take(15);
        consume.send(ConsumeRequest.newBuilder().addAllAckIds(ackIds(rest)).build());
        consume.halfClose();
        assertThat(consume.awaitEnd(Duration.ofSeconds(10))).as("half-close: the call ends OK").isNull();
        GroupInfo done = info("stream");
        assertThat(done.getLag()).as("every ack sent before the half-close was applied").isZero();
        assertThat(done.getInFlight()).isZero();
    }

    @Test
    void consumeNacksRetryWithTheirDelayAndDrainStopsDeliveries() throws Exception {
        append("order-1", 2);
        create("drain", streamSource("order-1").toBuilder().setFrom(fromStart()).build());
        ConsumeStream consume = ConsumeStream.start(channel, "drain", "c1", 10);
        GroupMessage first = consume.take(1).getFirst();
        consume.send(ConsumeRequest.newBuilder().setCredits(1).addNacks(Nack.newBuilder().addAckIds(first.getAckId())
                .setAction(NackAction.RETRY).setDelay(com.google.protobuf.Duration.newBuilder().setNanos(50_000_000))).build());
        GroupMessage retried = consume.take(1).getFirst();
        assertThat(retried.getEvent().getRevision()).isZero();
        assertThat(retried.getDeliveryCount()).isEqualTo(2);

        consume.send(ConsumeRequest.newBuilder().setDrain(true).build());
        consume.send(ConsumeRequest.newBuilder().addAckIds(retried.getAckId()).setCredits(1).build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(info("drain").getLag()).isEqualTo(1));
        assertThat(info("drain").getInFlight()).as("drained: revision 1 is not sent though credits remain").isZero();
        assertThat(consume.responses).isEmpty();
        consume.halfClose();
        assertThat(consume.awaitEnd(Duration.ofSeconds(10))).isNull();
    }

    @Test
    void aCancelledConsumeGivesItsUnackedMessagesBackAtOnce() throws Exception {
        append("order-1", 1);
        append("order-2", 1);
        create("vanish", allSource().toBuilder().setFrom(fromStart()).build()); // ack timeout 30 s
        ConsumeStream consume = ConsumeStream.start(channel, "vanish", "c1", 10);
        List<GroupMessage> held = consume.take(2);
        consume.send(ConsumeRequest.newBuilder().addAckIds(held.getFirst().getAckId()).build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(info("vanish").getLag()).isEqualTo(1));

        consume.cancel();

        List<GroupMessage> again = fetch("vanish", 10, Duration.ofSeconds(10)).getMessagesList();
        assertThat(again).as("given back long before the 30 s ack timeout").singleElement().satisfies(message -> {
            assertThat(message.getEvent().getStream()).isEqualTo(held.get(1).getEvent().getStream());
            assertThat(message.getDeliveryCount()).isEqualTo(2);
        });
    }

    @Test
    void consumeRefusesAnUnknownGroupAMissingStartAndTooManyCredits() throws Exception {
        ConsumeStream unknown = ConsumeStream.open(channel);
        unknown.send(ConsumeRequest.newBuilder().setStart(io.strata.protocol.v1.ConsumeStart.newBuilder()
                .setGroup("nobody").setConsumer("c1")).build());
        assertFailed(unknown.awaitEnd(Duration.ofSeconds(10)), Status.Code.NOT_FOUND, "not_found");

        ConsumeStream noStart = ConsumeStream.open(channel);
        noStart.send(ConsumeRequest.newBuilder().setCredits(1).build());
        assertFailed(noStart.awaitEnd(Duration.ofSeconds(10)), Status.Code.INVALID_ARGUMENT, "invalid_request");

        create("greedy", streamSource("order-1"));
        ConsumeStream greedy = ConsumeStream.start(channel, "greedy", "c1", ConsumeCall.MAX_OUTSTANDING_CREDITS);
        greedy.send(ConsumeRequest.newBuilder().setCredits(1).build());
        assertFailed(greedy.awaitEnd(Duration.ofSeconds(10)), Status.Code.INVALID_ARGUMENT, "invalid_request");
    }

    @Test
    void aConsumeCallEndedForAMalformedRequestGivesItsMessagesBack() throws Exception {
        append("order-1", 1);
        create("garbled", allSource().toBuilder().setFrom(fromStart()).build()); // ack timeout 30 s
        MethodDescriptor<byte[], byte[]> raw = ConsumerGroupsGrpc.getConsumeMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
        ClientCall<byte[], byte[]> call = channel.newCall(raw, CallOptions.DEFAULT);
        LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                received.add(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(10);
        call.sendMessage(ConsumeRequest.newBuilder().setStart(io.strata.protocol.v1.ConsumeStart.newBuilder()
                .setGroup("garbled").setConsumer("c1")).setCredits(5).build().toByteArray());
        assertThat(ConsumeResponse.parseFrom(received.poll(10, TimeUnit.SECONDS)).getStarted()).isTrue();
        assertThat(ConsumeResponse.parseFrom(received.poll(10, TimeUnit.SECONDS)).getMessagesList()).hasSize(1);

        call.sendMessage(new byte[] {0x1a, 0x10, 'a'}); // field 3 (ack_ids) says 16 bytes, 1 follows
        assertThat(closed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        assertThat(fetch("garbled", 10, Duration.ofSeconds(10)).getMessagesList())
                .as("given back when the call was closed, not after the 30 s ack timeout")
                .singleElement().extracting(GroupMessage::getDeliveryCount).isEqualTo(2);
    }

    @Test
    void deletingTheGroupEndsItsConsumeCallsNotFound() throws Exception {
        create("doomed", streamSource("order-1"));
        ConsumeStream consume = ConsumeStream.start(channel, "doomed", "c1", 10);
        groups.deleteGroup(DeleteGroupRequest.newBuilder().setGroup("doomed").build());
        assertFailed(consume.awaitEnd(Duration.ofSeconds(10)), Status.Code.NOT_FOUND, "not_found");
    }

    @Test
    void shutdownEndsConsumeCallsAndWaitingFetchesUnavailableWithoutWaitingOutTheGrace() throws Exception {
        create("closing", streamSource("order-1"));
        ConsumeStream consume = ConsumeStream.start(channel, "closing", "c1", 10);
        CompletableFuture<Throwable> fetch = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                fetch("closing", 1, Duration.ofMinutes(1));
                fetch.complete(null);
            } catch (Throwable t) {
                fetch.complete(t);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> consumers("closing") == 2);

        server.close();
        server = null;

        // The Error trailer says these were ended by Strata's shutdown, not cancelled by gRPC after its grace.
        assertFailed(consume.awaitEnd(Duration.ofSeconds(10)), Status.Code.UNAVAILABLE, "unavailable");
        assertFailed((StatusRuntimeException) fetch.get(10, TimeUnit.SECONDS), Status.Code.UNAVAILABLE, "unavailable");
    }

    // ---- helpers

    enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private CreateGroupResponse create(String group, GroupSettings settings) {
        return groups.createGroup(CreateGroupRequest.newBuilder().setGroup(group).setSettings(settings).build());
    }

    private FetchResponse fetch(String group, int max, Duration wait) {
        return groups.fetch(FetchRequest.newBuilder().setGroup(group).setConsumer("fetcher").setMax(max)
                .setWait(com.google.protobuf.Duration.newBuilder().setSeconds(wait.getSeconds()).setNanos(wait.getNano()))
                .build());
    }

    private GroupInfo info(String group) {
        return groups.getGroup(GetGroupRequest.newBuilder().setGroup(group).build());
    }

    private int consumers(String group) {
        return info(group).getConsumers();
    }

    private void append(String stream, int count) {
        AppendRequest.Builder request = AppendRequest.newBuilder().setStream(stream)
                .setExpectedRevision(ExpectedRevision.newBuilder().setKind(ExpectedRevision.Kind.ANY));
        for (int i = 0; i < count; i++) {
            request.addEvents(EventData.newBuilder().setType("Happened").setData(ByteString.copyFromUtf8("{\"n\":" + i + "}")));
        }
        store.append(request.build());
    }

    private static GroupSettings streamSource(String stream) {
        return GroupSettings.newBuilder().setStream(stream).build();
    }

    private static GroupSettings allSource() {
        return GroupSettings.newBuilder().setAll(Filter.getDefaultInstance()).build();
    }

    private static GroupStart fromStart() {
        return GroupStart.newBuilder().setKind(GroupStart.Kind.START).build();
    }

    private static List<String> ackIds(List<GroupMessage> messages) {
        return messages.stream().map(GroupMessage::getAckId).toList();
    }

    private static Error failure(Runnable call, Status.Code status, String code) {
        StatusRuntimeException[] thrown = new StatusRuntimeException[1];
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> thrown[0] = e);
        return assertFailed(thrown[0], status, code);
    }

    private static Error assertFailed(StatusRuntimeException failure, Status.Code status, String code) {
        assertThat(failure).as("the call failed").isNotNull();
        assertThat(failure.getStatus().getCode()).as("status of %s", failure).isEqualTo(status);
        Error error = failure.getTrailers() == null ? null : failure.getTrailers().get(ProtoErrors.ERROR_KEY);
        assertThat(error).as("strata-error-bin trailer of %s", failure).isNotNull();
        assertThat(error.getCode()).isEqualTo(code);
        assertThat(error.getMessage()).isNotBlank();
        return error;
    }
}
