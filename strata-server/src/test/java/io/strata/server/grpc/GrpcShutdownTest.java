package io.strata.server.grpc;

import static io.strata.server.grpc.GrpcApiTest.any;
import static io.strata.server.grpc.GrpcApiTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.strata.core.Durability;
import io.strata.protocol.ProtoErrors;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.AppendStreamResponse;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.SubscribeToAllRequest;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing the whole server while gRPC calls are open. */
class GrpcShutdownTest {
    /** Held here: java.util.logging keeps loggers only weakly, and a collected one loses its handler. */
    private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

    @TempDir
    Path dir;

    @Test
    void closingShutsTheEndpointDownOnceWithoutWarnings() {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler collect = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        GRPC_LOG.addHandler(collect);
        try {
            StrataServer server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).grpcPort(0)
                    .durability(Durability.NONE).memtableEntries(1024).build());
            server.close(); // begins the shutdown, then awaits it, which begins it again
            server.close();
            try (GrpcTestServer endpointOnly = GrpcTestServer.start(dir.resolve("endpoint"), config -> config)) {
                endpointOnly.endpoint.beginShutdown();
                endpointOnly.endpoint.beginShutdown();
            } // awaitTermination, a third time

            // Health's enterTerminalState logged "Already terminating" with a stack trace when called twice.
            assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
        } finally {
            GRPC_LOG.removeHandler(collect);
        }
    }

    @Test
    void closeEndsSubscriptionsAnswersInFlightAppendsAndClosesTheStoreLast() throws Exception {
        StrataServer server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).grpcPort(0)
                .durability(Durability.FSYNC).memtableEntries(1024).build());
        ManagedChannel channel = GrpcTestServer.channel(server.grpcPort(), builder -> builder);
        try {
            GrpcSubscriptionTest.Received subscription = new GrpcSubscriptionTest.Received(-1);
            GrpcSubscriptionTest.subscribe(channel, SubscribeToAllRequest.newBuilder().setFrom(Long.MAX_VALUE).build(), subscription);
            await().atMost(Duration.ofSeconds(10)).until(() -> subscription.caughtUp.get() == 1);

            Map<Long, AppendStreamResponse> answers = new ConcurrentHashMap<>();
            CompletableFuture<Void> appendsEnded = new CompletableFuture<>();
            StreamObserver<AppendRequest> requests = EventStoreGrpc.newStub(channel).appendStream(new StreamObserver<>() {
                @Override
                public void onNext(AppendStreamResponse response) {
                    answers.put(response.getCorrelationId(), response);
                }

                @Override
                public void onError(Throwable t) {
                    appendsEnded.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    appendsEnded.complete(null);
                }
            });
            int sent = 20_000;
            for (long id = 0; id < sent; id++) {
                requests.onNext(GrpcApiTest.append("close-1", any(), event("E", "{}")).toBuilder().setCorrelationId(id).build());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() >= 100);

            long started = System.nanoTime();
            server.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

            StatusRuntimeException ended = subscription.failure();
            assertThat(ended.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(ended.getTrailers().get(ProtoErrors.ERROR_KEY).getCode()).isEqualTo("unavailable");

            appendsEnded.handle((ok, e) -> null).get(10, TimeUnit.SECONDS);
            long applied = answers.values().stream().filter(AppendStreamResponse::hasResult).count();
            assertThat(answers.values()).allSatisfy(answer -> assertThat(answer.hasResult()
                    || answer.getError().getCode().equals("unavailable")).isTrue());
            assertThat(applied).as("appends were in flight when the server closed").isLessThan(sent);

            // The store was closed after the last answer: every append answered OK is there, and nothing else.
            try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).memtableEntries(1024).build())) {
                assertThat(store.info().events()).isEqualTo(applied);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.close();
        }
    }
}
