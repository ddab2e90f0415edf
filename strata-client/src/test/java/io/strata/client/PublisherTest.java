package io.strata.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.Futures;
import io.strata.core.StoreUnavailableException;
import io.strata.core.WrongExpectedRevisionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pipelined publisher against a real server: order, the in-flight bound, and failures one by one or all at once. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublisherTest {
    @TempDir
    Path tempDir;
    private ServedClient served;

    @AfterEach
    void closeServer() {
        if (served != null) {
            served.close();
        }
    }

    @Test
    void pipelinedAppendsAreAllAcknowledgedInSendOrderWithinTheInFlightBound() {
        served = ServedClient.start(tempDir, config -> config);
        int appends = 20_000;
        int streams = 7;
        int maxInFlight = 64;
        int mostUnanswered = 0;
        List<CompletableFuture<AppendResult>> unanswered = new ArrayList<>();
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>(appends);

        try (Publisher publisher = served.client().publisher(maxInFlight)) {
            for (int i = 0; i < appends; i++) {
                CompletableFuture<AppendResult> future = publisher.publish("p-" + (i % streams), ExpectedRevision.ANY, event(i));
                futures.add(future);
                // A future completes before its permit is given back, so right after publish returns, the
                // futures not yet completed are at most the bound, if the publisher keeps it.
                unanswered.add(future);
                unanswered.removeIf(CompletableFuture::isDone);
                mostUnanswered = Math.max(mostUnanswered, unanswered.size());
            }
        }

        assertThat(futures).allMatch(CompletableFuture::isDone); // close waited for every answer
        List<AppendResult> results = futures.stream().map(Futures::join).toList();
        assertThat(mostUnanswered).isLessThanOrEqualTo(maxInFlight).isGreaterThan(1);
        for (int s = 0; s < streams; s++) {
            int stream = s;
            List<Long> revisions = LongStream.range(0, appends).filter(i -> i % streams == stream)
                    .mapToObj(i -> results.get((int) i).firstRevision()).toList();
            assertThat(revisions).as("revisions of p-%d in publish order", s)
                    .containsExactlyElementsOf(LongStream.range(0, revisions.size()).boxed().toList());
        }
        // One thread sent them all, so the server applied them in exactly that order.
        assertThat(results).extracting(r -> r.firstPosition().value())
                .containsExactlyElementsOf(LongStream.range(0, appends).boxed().toList());
        assertThat(served.info().events()).isEqualTo(appends);
    }

    @Test
    void aRejectedAppendFailsOnlyItsOwnFuture() {
        served = ServedClient.start(tempDir, config -> config);
        List<CompletableFuture<AppendResult>> before = new ArrayList<>();
        List<CompletableFuture<AppendResult>> after = new ArrayList<>();
        CompletableFuture<AppendResult> rejected;

        try (Publisher publisher = served.client().publisher(16)) {
            for (int i = 0; i < 100; i++) {
                before.add(publisher.publish("s-1", ExpectedRevision.ANY, event(i)));
            }
            rejected = publisher.publish("s-1", ExpectedRevision.NO_STREAM, event(100));
            for (int i = 0; i < 100; i++) {
                after.add(publisher.publish("s-1", ExpectedRevision.ANY, event(101 + i)));
            }
            Throwable thrown = catchThrowable(() -> Futures.join(rejected));
            assertThat(thrown).isInstanceOf(WrongExpectedRevisionException.class);
            // Applied in send order: the 100 appends before it had all landed when it was checked.
            assertThat(((WrongExpectedRevisionException) thrown).actual()).isEqualTo(OptionalLong.of(99));
            assertThat(publisher.isOpen()).isTrue();
        }

        assertThat(before).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(after).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(Futures.join(after.getLast()).lastRevision()).isEqualTo(199);
    }

    @Test
    void closeWaitsForTheAnswersThenPublishFails() {
        served = ServedClient.start(tempDir, config -> config.durability(Durability.FSYNC));
        Publisher publisher = served.client().publisher(256);
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            futures.add(publisher.publish("s-" + (i % 3), ExpectedRevision.ANY, event(i)));
        }

        publisher.close();

        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(publisher.isOpen()).isFalse();
        assertThat(publisher.inFlight()).isZero();
        assertThat(catchThrowable(() -> Futures.join(publisher.publish("s-1", ExpectedRevision.ANY, event(0)))))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("publisher").hasMessageContaining("closed");
        publisher.close(); // idempotent
        assertThat(served.info().events()).isEqualTo(2_000);
    }

    @Test
    void closingTheClientClosesItsPublishers() {
        served = ServedClient.start(tempDir, config -> config);
        Publisher publisher = served.client().publisher(8);
        CompletableFuture<AppendResult> sent = publisher.publish("s-1", ExpectedRevision.ANY, event(1));

        served.client().close();

        assertThat(Futures.join(sent).firstRevision()).isZero();
        assertThat(publisher.isOpen()).isFalse();
    }

    @Test
    void serverKilledFailsEveryPendingFutureWithServerUnavailable() throws Exception {
        try (ServerProcess server = ServerProcess.start(tempDir, Durability.FSYNC);
             StrataClient client = StrataClient.connect(server.address());
             Publisher publisher = client.publisher(256)) {
            List<CompletableFuture<AppendResult>> futures = new CopyOnWriteArrayList<>();
            AtomicLong acknowledged = new AtomicLong();
            AtomicBoolean failed = new AtomicBoolean();
            Thread sender = Thread.ofVirtual().start(() -> {
                for (int i = 0; !failed.get(); i++) {
                    CompletableFuture<AppendResult> f = publisher.publish("s-" + (i % 10), ExpectedRevision.ANY, event(i));
                    f.whenComplete((r, e) -> {
                        if (e == null) {
                            acknowledged.incrementAndGet();
                        } else {
                            failed.set(true);
                        }
                    });
                    futures.add(f);
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.get() >= 2_000);

            server.kill();
            sender.join(Duration.ofSeconds(60));

            await().atMost(Duration.ofSeconds(30)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
            List<Throwable> failures = futures.stream().filter(CompletableFuture::isCompletedExceptionally)
                    .map(f -> catchThrowable(() -> Futures.join(f))).toList();
            assertThat(failures).isNotEmpty();
            assertThat(failures).allSatisfy(e -> assertThat(e).isExactlyInstanceOf(ServerUnavailableException.class)
                    .hasMessageContaining(server.address()));
            assertThat(publisher.isOpen()).isFalse();
            assertThat(publisher.inFlight()).isZero();
        }
    }

    private static List<EventData> event(int i) {
        return List.of(EventData.builder("Published").id(UUID.randomUUID()).data(("{\"i\":" + i + "}").getBytes(UTF_8)).build());
    }
}
