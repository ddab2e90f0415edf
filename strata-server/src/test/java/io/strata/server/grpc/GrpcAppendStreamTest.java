package io.strata.server.grpc;

import static io.strata.server.grpc.GrpcApiTest.any;
import static io.strata.server.grpc.GrpcApiTest.event;
import static io.strata.server.grpc.GrpcApiTest.exactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.AppendStreamResponse;
import io.strata.protocol.v1.EventStoreGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AppendStream against a real endpoint: pipelining, in-band failures, ending, backpressure. */
class GrpcAppendStreamTest {
    private static final int APPENDS = 10_000;

    @TempDir
    Path dir;

    /** Collects answers by correlation id; completes when the server completes the call. */
    private static final class Answers implements ClientResponseObserver<AppendRequest, AppendStreamResponse> {
        final Map<Long, AppendStreamResponse> byId = new ConcurrentHashMap<>();
        final AtomicLong duplicates = new AtomicLong();
        final CompletableFuture<Integer> completed = new CompletableFuture<>();
        private final boolean readLater;
        volatile ClientCallStreamObserver<AppendRequest> call;

        Answers(boolean readLater) {
            this.readLater = readLater;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<AppendRequest> requestStream) {
            call = requestStream;
            if (readLater) {
                requestStream.disableAutoRequestWithInitial(0);
            }
        }

        @Override
        public void onNext(AppendStreamResponse response) {
            if (byId.put(response.getCorrelationId(), response) != null) {
                duplicates.incrementAndGet();
            }
        }

        @Override
        public void onError(Throwable t) {
            completed.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            completed.complete(byId.size()); // how many were answered when the call completed
        }
    }

    @Test
    void pipelinedAppendsAreAppliedInOrderAndEachAnsweredByItsCorrelationId() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config)) {
            Answers answers = new Answers(false);
            StreamObserver<AppendRequest> requests = EventStoreGrpc.newStub(server.channel()).appendStream(answers);
            for (long id = 0; id < APPENDS; id++) {
                AppendRequest.Builder request = GrpcApiTest.append("pipe-1", any(), event("E", "{\"n\":" + id + "}")).toBuilder()
                        .setCorrelationId(id);
                if (id == 5_000) {
                    request.setExpectedRevision(exactly(0)); // the stream is far past revision 0 by then
                } else if (id == 7_000) {
                    request.setStream(""); // not a stream name
                }
                requests.onNext(request.build());
            }
            requests.onCompleted();

            int answeredAtCompletion = answers.completed.get(60, TimeUnit.SECONDS);
            assertThat(answeredAtCompletion).as("completed only after every append was answered").isEqualTo(APPENDS);
            assertThat(answers.duplicates).hasValue(0);

            AppendStreamResponse wrong = answers.byId.get(5_000L);
            assertThat(wrong.getError().getCode()).isEqualTo("wrong_expected_revision");
            assertThat(wrong.getError().getWrongExpectedRevision().getActual()).isEqualTo(4_999);
            assertThat(answers.byId.get(7_000L).getError().getCode()).isEqualTo("invalid_request");
            long expectedRevision = 0;
            for (long id = 0; id < APPENDS; id++) {
                if (id == 5_000 || id == 7_000) {
                    continue;
                }
                assertThat(answers.byId.get(id).getResult().getFirstRevision()).as("append %d, in arrival order", id)
                        .isEqualTo(expectedRevision++);
            }
            assertThat(server.store.info().events()).isEqualTo(APPENDS - 2);
            assertThat(server.calls().appendStats().mostInFlight()).isBetween(1L, 256L);
            assertThat(server.calls().appendStats().mostAskedAtOnce())
                    .as("asked for all its free room at once, not one request at a time").isGreaterThan(1L);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.calls().appendStreams() == 0);
        }
    }

    @Test
    void aClientThatDoesNotReadItsAnswersIsHeldBackInsteadOfBuffered() throws Exception {
        int maxInFlight = 64;
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config.grpcAppendsInFlight(maxInFlight))) {
            // A small receive window: the server's answers stop flowing after ~64 KiB.
            ManagedChannel channel = GrpcTestServer.channel(server.endpoint.port(), builder -> builder.flowControlWindow(64 << 10));
            try {
                Answers answers = new Answers(true);
                StreamObserver<AppendRequest> requests = EventStoreGrpc.newStub(channel).appendStream(answers);
                String stream = "held-" + "x".repeat(200); // ~260-byte answers
                for (long id = 0; id < APPENDS; id++) {
                    requests.onNext(GrpcApiTest.append(stream, any(), event("E", "{}")).toBuilder().setCorrelationId(id).build());
                }
                requests.onCompleted();

                AppendStreamStats stats = server.calls().appendStats();
                long[] last = {-1};
                // Settled: nothing more read for a whole second. A server that reads on (buffering answers
                // without bound) never settles before it has read all 10,000.
                await().pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).until(() -> {
                    long read = stats.requestsRead();
                    boolean settled = read > 0 && read == last[0];
                    last[0] = read;
                    return settled;
                });
                assertThat(stats.requestsRead()).as("the server stopped reading while its answers were not taken")
                        .isLessThan(APPENDS / 4);
                assertThat(stats.mostInFlight()).isLessThanOrEqualTo(maxInFlight);
                assertThat(answers.call.isReady()).as("the client is held back by flow control").isFalse();

                answers.call.request(Integer.MAX_VALUE);
                assertThat(answers.completed.get(60, TimeUnit.SECONDS)).isEqualTo(APPENDS);
                assertThat(stats.mostInFlight()).isLessThanOrEqualTo(maxInFlight);
                assertThat(server.store.info().events()).isEqualTo(APPENDS);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aCancelledCallIsForgotten() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start(dir, config -> config)) {
            Answers answers = new Answers(false);
            StreamObserver<AppendRequest> requests = EventStoreGrpc.newStub(server.channel()).appendStream(answers);
            requests.onNext(GrpcApiTest.append("cancel-1", any(), event("E", "{}")).toBuilder().setCorrelationId(1).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> answers.byId.containsKey(1L));
            answers.call.cancel("test", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.calls().appendStreams() == 0);
        }
    }
}
