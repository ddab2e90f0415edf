package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.protocol.ProtoErrors;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.Filter;
import io.strata.protocol.v1.SubscribeToAllRequest;
import io.strata.protocol.v1.SubscribeToStreamRequest;
import io.strata.protocol.v1.SubscriptionMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SubscribeToStream / SubscribeToAll against a real endpoint: the switch to live, flow control, ending. */
class GrpcSubscriptionTest {
    private static final long END = Long.MAX_VALUE;

    @TempDir
    Path dir;

    /** What a subscriber received, in order. */
    static final class Received implements ClientResponseObserver<Object, SubscriptionMessage> {
        final List<io.strata.protocol.v1.RecordedEvent> events = new CopyOnWriteArrayList<>();
        final AtomicInteger caughtUp = new AtomicInteger();
        final AtomicInteger messages = new AtomicInteger();
        /** The first message received; null until it came. */
        volatile SubscriptionMessage first;
        /**
         * Events received up to and including the caught-up message's own (which are history too: a
         * batch of up to 1,000 events may carry the mark); -1 until it came.
         */
        volatile int eventsThroughCaughtUp = -1;
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final int initialRequest;
        volatile ClientCallStreamObserver<Object> call;

        /** @param initialRequest messages asked for at first; -1: as many as come (automatic flow control) */
        Received(int initialRequest) {
            this.initialRequest = initialRequest;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
            call = requestStream;
            if (initialRequest >= 0) {
                requestStream.disableAutoRequestWithInitial(initialRequest);
            }
        }

        @Override
        public void onNext(SubscriptionMessage message) {
            if (first == null) {
                first = message;
            }
            messages.incrementAndGet();
            events.addAll(message.getEventsList());
            if (message.getCaughtUp()) {
                eventsThroughCaughtUp = events.size();
                caughtUp.incrementAndGet();
            }
        }

        @Override
        public void onError(Throwable t) {
            ended.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            ended.complete(null);
        }

        StatusRuntimeException failure() {
            return (StatusRuntimeException) ended.handle((ok, e) -> e).join();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void subscribe(ManagedChannel channel, SubscribeToStreamRequest request, Received received) {
        EventStoreGrpc.newStub(channel).subscribeToStream(request, (ClientResponseObserver) received);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void subscribe(ManagedChannel channel, SubscribeToAllRequest request, Received received) {
        EventStoreGrpc.newStub(channel).subscribeToAll(request, (ClientResponseObserver) received);
    }

    private static void append(GrpcTestServer server, String stream, int count, int dataBytes) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = ("\"" + "x".repeat(Math.max(0, dataBytes - 2)) + "\"").getBytes(StandardCharsets.UTF_8);
            events.add(EventData.json("E", data));
        }
        server.store.append(stream, ExpectedRevision.ANY, events);
    }

    @Test
    void historyThenLiveWithoutGapOrDuplicateAndOneCaughtUp() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config)) {
            for (int i = 0; i < 30; i++) {
                append(server, "sub-1", 100, 50);
                append(server, "noise-1", 10, 50);
            }
            Thread appender = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    append(server, "sub-1", 1, 50);
                    if (i % 10 == 0) {
                        append(server, "noise-1", 1, 50);
                    }
                }
            });
            Received stream = new Received(-1);
            Received all = new Received(-1);
            subscribe(server.channel(), SubscribeToStreamRequest.newBuilder().setStream("sub-1").build(), stream);
            subscribe(server.channel(), SubscribeToAllRequest.newBuilder()
                    .setFilter(Filter.newBuilder().setCategory("sub")).build(), all);
            appender.join();

            await().atMost(Duration.ofSeconds(30)).until(() -> stream.events.size() >= 5_000 && all.events.size() >= 5_000);
            for (Received received : List.of(stream, all)) {
                List<Long> revisions = received.events.stream().map(io.strata.protocol.v1.RecordedEvent::getRevision).toList();
                assertThat(revisions).as("no gap, no duplicate, in order").isEqualTo(range(5_000));
                assertThat(received.caughtUp).as("caught_up exactly once").hasValue(1);
                assertThat(received.eventsThroughCaughtUp).as("all history came by the caught-up message").isGreaterThanOrEqualTo(3_000);
                assertThat(received.messages.get()).isLessThanOrEqualTo(5_001);
            }
            assertThat(all.events).allSatisfy(event -> assertThat(event.getStream()).isEqualTo("sub-1"));
            assertThat(server.calls().subscriptions()).isEqualTo(2);
        }
    }

    private static List<Long> range(int count) {
        List<Long> values = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            values.add(i);
        }
        return values;
    }

    @Test
    void aLiveOnlySubscriptionIsCaughtUpAtOnceThenGetsNewEvents() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config)) {
            append(server, "live-1", 5, 10);
            Received received = new Received(-1);
            subscribe(server.channel(), SubscribeToStreamRequest.newBuilder().setStream("live-1").setFrom(END).build(), received);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.caughtUp.get() == 1);
            assertThat(received.events).isEmpty();

            append(server, "live-1", 2, 10);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.events.size() == 2);
            assertThat(received.events).extracting(io.strata.protocol.v1.RecordedEvent::getRevision).containsExactly(5L, 6L);
        }
    }

    @Test
    void aFilteredSubscriptionWithoutMatchesSaysItIsSubscribedBeforeItsHistoryScanEnds() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config)) {
            for (int i = 0; i < 300; i++) {
                append(server, "noise-" + i, 1_000, 10); // 300,000 events, none of the type asked for
            }
            Received received = new Received(-1);
            long started = System.nanoTime();
            subscribe(server.channel(), SubscribeToAllRequest.newBuilder()
                    .setFilter(Filter.newBuilder().addTypes("Wanted")).build(), received);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.caughtUp.get() == 1);
            Duration scan = Duration.ofNanos(System.nanoTime() - started);

            // Without the first message, nothing came until the whole history had been scanned, and a
            // client waiting for the first message to know it was subscribed waited that long.
            assertThat(received.first.getEventsCount()).isZero();
            assertThat(received.first.getCaughtUp()).as("the first message came before the scan ended (it took %s)", scan)
                    .isFalse();
            assertThat(received.messages).as("the empty first message, then the caught-up one").hasValue(2);
            assertThat(received.events).isEmpty();

            append(server, "x-1", 1, 10);
            server.store.append("wanted-1", io.strata.core.ExpectedRevision.ANY,
                    List.of(EventData.json("Wanted", "{}".getBytes(StandardCharsets.UTF_8))));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.events.size() == 1);
            assertThat(received.events.getFirst().getStream()).isEqualTo("wanted-1");
        }
    }

    @Test
    void cancellingTheCallClosesTheEngineSubscription() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config)) {
            Received received = new Received(-1);
            subscribe(server.channel(), SubscribeToAllRequest.newBuilder().setFrom(END).build(), received);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.caughtUp.get() == 1);
            assertThat(server.calls().subscriptions()).isEqualTo(1);

            received.call.cancel("done", null);
            // The call is forgotten only after the engine's subscription was closed.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.calls().subscriptions() == 0);
        }
    }

    @Test
    void aSubscriberThatTakesNothingIsEndedResourceExhaustedNotBufferedWithoutBound() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config
                .grpcSubscriberBufferEvents(16).grpcSubscriberStallTimeout(Duration.ofMillis(300)))) {
            for (int i = 0; i < 20; i++) {
                append(server, "slow-1", 100, 1_000); // 2 MB: more than the window and the buffer hold
            }
            ManagedChannel channel = GrpcTestServer.channel(server.endpoint.port(), builder -> builder.flowControlWindow(64 << 10));
            try {
                Received received = new Received(0); // takes nothing
                subscribe(channel, SubscribeToStreamRequest.newBuilder().setStream("slow-1").build(), received);
                await().atMost(Duration.ofSeconds(10)).until(() -> server.calls().subscriptions() == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> server.calls().subscriptions() == 0);

                received.call.request(Integer.MAX_VALUE); // read what is on its way, then the status
                StatusRuntimeException failure = received.failure();
                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(failure.getTrailers().get(ProtoErrors.ERROR_KEY).getCode()).isEqualTo("overloaded");
                assertThat(received.events.size()).isLessThan(2_000);
                assertThat(received.events).extracting(io.strata.protocol.v1.RecordedEvent::getRevision)
                        .as("what arrived is a gap-free prefix").isEqualTo(range(received.events.size()));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Live events that find the call's buffer full are refused on the store's live delivery thread and
     * come again through the subscription's own thread, which waits for room: a client that reads nothing
     * for a while then gets every live event once, in order.
     */
    @Test
    void aLiveSubscriberWhoseBufferFilledGetsEveryEventOnceWhenItReads() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config
                .grpcSubscriberBufferEvents(16).grpcSubscriberStallTimeout(Duration.ofSeconds(60)))) {
            append(server, "live-2", 1, 1_000);
            ManagedChannel channel = GrpcTestServer.channel(server.endpoint.port(), builder -> builder.flowControlWindow(64 << 10));
            try {
                Received received = new Received(1);
                subscribe(channel, SubscribeToStreamRequest.newBuilder().setStream("live-2").build(), received);
                await().atMost(Duration.ofSeconds(10)).until(() -> received.messages.get() == 1);
                for (int i = 0; i < 300; i++) {
                    append(server, "live-2", 1, 1_000); // 300 KB: more than the window and the buffer hold
                }
                Thread.sleep(200); // the client reads nothing meanwhile
                assertThat(received.events.size()).isLessThanOrEqualTo(1);

                received.call.request(Integer.MAX_VALUE);
                await().atMost(Duration.ofSeconds(30)).until(() -> received.events.size() >= 301);
                assertThat(received.events).extracting(io.strata.protocol.v1.RecordedEvent::getRevision)
                        .as("every event once, in order").isEqualTo(range(301));
                assertThat(received.caughtUp).hasValue(1);
                assertThat(received.ended).isNotDone();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anInvalidSubscriptionIsRefusedInvalidArgument() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config)) {
            for (SubscribeToStreamRequest request : List.of(SubscribeToStreamRequest.newBuilder().setStream("").build(),
                    SubscribeToStreamRequest.newBuilder().setStream("ok-1").setFrom(-1).build())) {
                Received received = new Received(-1);
                subscribe(server.channel(), request, received);
                StatusRuntimeException failure = received.failure();
                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(failure.getTrailers().get(ProtoErrors.ERROR_KEY).getCode()).isEqualTo("invalid_request");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.calls().subscriptions() == 0);
        }
    }
}
