package io.strata.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with an in-memory model: catch-up, live, order, filters, stop, failures. */
class ProjectionRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path temp;
    private EmbeddedEventStore store;

    @BeforeEach
    void open() {
        store = Accounts.open(temp.resolve("store"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void catchesUpFromTheStartThenFollowsLiveAppends() {
        Accounts.appendRandom(store, new Random(1), 5_000, 50);
        MemoryBalances model = new MemoryBalances();
        try (ProjectionRunner runner = ProjectionRunner.builder(store, model.projection("balances", 1), new InMemoryCheckpointStore())
                .batchSize(128).start()) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
            assertThat(model.snapshot()).isEqualTo(Accounts.fold(store));

            Position last = Accounts.appendRandom(store, new Random(2), 1_000, 60);
            assertThat(runner.awaitCheckpoint(last, TIMEOUT)).isTrue();
            assertThat(runner.state()).isEqualTo(ProjectionRunner.State.LIVE);
            assertThat(model.snapshot()).isEqualTo(Accounts.fold(store));
            assertThat(model.duplicates()).isZero();
            assertThat(runner.eventsHandled()).isEqualTo(6_000);
        }
    }

    @Test
    void appliesEventsInLogOrderAcrossCatchUpAndLive() throws Exception {
        Accounts.appendRandom(store, new Random(3), 2_000, 20);
        MemoryBalances model = new MemoryBalances();
        try (ProjectionRunner runner = ProjectionRunner.builder(store, model.projection("ordered", 1), new InMemoryCheckpointStore())
                .batchSize(100).start()) {
            Thread writer = Thread.ofPlatform().start(() -> Accounts.appendRandom(store, new Random(4), 3_000, 20));
            writer.join();
            assertThat(runner.awaitCheckpoint(Accounts.head(store), TIMEOUT)).isTrue();
        }
        List<Long> expected = Accounts.readAll(store, EventFilter.ALL).stream().map(e -> e.position().value()).toList();
        assertThat(model.positions).containsExactlyElementsOf(expected);
    }

    @Test
    void handlesOnlyItsEventTypesAndCategory() {
        store.append("account-1", ExpectedRevision.ANY, List.of(Accounts.deposited(10), Accounts.withdrawn(3)));
        store.append("audit-1", ExpectedRevision.ANY, List.of(Accounts.deposited(1000)));
        store.append("account-2", ExpectedRevision.ANY, List.of(Accounts.deposited(5)));
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        Projection<ProjectionContext> depositsOfAccounts = Projection.builder("deposits")
                .category("account")
                .on(Accounts.DEPOSITED, (event, context) -> seen.add(event))
                .build();
        assertThat(depositsOfAccounts.filter()).isEqualTo(EventFilter.types(Accounts.DEPOSITED).withCategory("account"));
        try (ProjectionRunner runner = ProjectionRunner.start(store, depositsOfAccounts, new InMemoryCheckpointStore())) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
            store.append("account-3", ExpectedRevision.ANY, List.of(Accounts.withdrawn(1), Accounts.deposited(7)));
            store.append("audit-2", ExpectedRevision.ANY, List.of(Accounts.deposited(1)));
            await().atMost(TIMEOUT).until(() -> seen.size() == 3);
            assertThat(runner.awaitCheckpoint(Position.of(5), TIMEOUT)).isTrue();
        }
        assertThat(seen).extracting(e -> e.stream() + ":" + Accounts.signedAmount(e))
                .containsExactly("account-1:10", "account-2:5", "account-3:7");
    }

    @Test
    void checkpointMovesPastEventsTheFilterSkippedDuringCatchUp() {
        store.append("account-1", ExpectedRevision.ANY, List.of(Accounts.deposited(10)));
        for (int i = 0; i < 20; i++) {
            store.append("audit-" + i, ExpectedRevision.ANY, List.of(Accounts.withdrawn(1)));
        }
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        try (ProjectionRunner runner = ProjectionRunner.start(store,
                Projection.builder("rare").on(Accounts.DEPOSITED, (e, c) -> { }).build(), checkpoints)) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
            assertThat(runner.checkpoint()).contains(Position.of(20));
        }
        assertThat(checkpoints.checkpoint("rare", 1)).contains(Position.of(20));
    }

    @Test
    void stopIsGracefulAndTheNextRunnerContinuesFromTheCheckpoint() {
        Accounts.appendRandom(store, new Random(5), 1_000, 10);
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        MemoryBalances model = new MemoryBalances();
        ProjectionRunner first = ProjectionRunner.start(store, model.projection("balances", 1), checkpoints);
        assertThat(first.awaitLive(TIMEOUT)).isTrue();
        first.stop();
        assertThat(first.state()).isEqualTo(ProjectionRunner.State.STOPPED);
        assertThat(checkpoints.checkpoint("balances", 1)).contains(Accounts.head(store));

        Accounts.appendRandom(store, new Random(6), 500, 10);
        try (ProjectionRunner second = ProjectionRunner.start(store, model.projection("balances", 1), checkpoints)) {
            assertThat(second.awaitCheckpoint(Accounts.head(store), TIMEOUT)).isTrue();
            assertThat(second.eventsHandled()).isEqualTo(500);
        }
        assertThat(model.duplicates()).isZero();
        assertThat(model.snapshot()).isEqualTo(Accounts.fold(store));
    }

    @Test
    void aHandlerThatKeepsFailingStopsTheRunnerAndIsReportedNotSkipped() {
        Accounts.appendRandom(store, new Random(7), 300, 10);
        RecordedEvent poison = Accounts.readAll(store, EventFilter.ALL).get(150);
        MemoryBalances model = new MemoryBalances();
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<ProjectionFailure> reported = new AtomicReference<>();
        Projection<ProjectionContext> projection = Projection.builder("fragile")
                .onAnyType((event, context) -> {
                    if (event.id().equals(poison.id())) {
                        attempts.incrementAndGet();
                        throw new IllegalStateException("cannot handle " + event);
                    }
                    model.apply(event);
                })
                .build();
        ProjectionRunner runner = ProjectionRunner.builder(store, projection, new InMemoryCheckpointStore())
                .batchSize(64)
                .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .onFailure(reported::set)
                .start();
        assertThatThrownBy(() -> runner.awaitLive(TIMEOUT))
                .isInstanceOf(ProjectionFailedException.class)
                .hasMessageContaining("fragile@v1 stopped at handle of " + poison.type() + " " + poison.stream());
        assertThat(runner.awaitTermination(TIMEOUT)).isTrue();
        assertThat(runner.state()).isEqualTo(ProjectionRunner.State.FAILED);
        ProjectionFailure failure = runner.failure().orElseThrow();
        assertThat(reported.get()).isEqualTo(failure);
        assertThat(failure.stage()).isEqualTo(ProjectionFailure.Stage.HANDLE);
        assertThat(failure.event()).contains(poison);
        assertThat(failure.attempts()).isEqualTo(3);
        assertThat(attempts).hasValue(3);
        assertThat(failure.message()).contains("position 150", "after 3 attempts", "cannot handle");
        // Everything before the poison event took effect once; nothing after it did.
        assertThat(runner.checkpoint()).contains(Position.of(149));
        assertThat(model.positions).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 150).boxed().toList());
    }

    @Test
    void aTransientFailureIsRetriedAloneWithoutReapplyingTheEventsBeforeIt() {
        Accounts.appendRandom(store, new Random(8), 400, 10);
        RecordedEvent flaky = Accounts.readAll(store, EventFilter.ALL).get(200);
        MemoryBalances model = new MemoryBalances();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        Projection<ProjectionContext> projection = Projection.builder("flaky")
                .onAnyType((event, context) -> {
                    if (event.id().equals(flaky.id()) && failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("timeout");
                    }
                    model.apply(event);
                })
                .build();
        try (ProjectionRunner runner = ProjectionRunner.builder(store, projection, new InMemoryCheckpointStore())
                .batchSize(128).retry(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5))).start()) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
        }
        assertThat(model.duplicates()).isZero();
        assertThat(model.snapshot()).isEqualTo(Accounts.fold(store));
    }

    @Test
    void sideEffectsFireAfterTheCommitOncePerEvent() {
        Accounts.appendRandom(store, new Random(9), 200, 5);
        List<Long> mailed = new CopyOnWriteArrayList<>();
        Projection<ProjectionContext> mailer = Projection.builder("mailer")
                .on(Accounts.WITHDRAWN, (event, context) -> {
                    assertThat(context.isReplay()).isFalse();
                    context.sideEffect(() -> mailed.add(event.position().value()));
                })
                .build();
        try (ProjectionRunner runner = ProjectionRunner.start(store, mailer, new InMemoryCheckpointStore())) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
        }
        List<Long> withdrawals = Accounts.readAll(store, EventFilter.types(Accounts.WITHDRAWN)).stream()
                .map(e -> e.position().value()).toList();
        assertThat(mailed).containsExactlyElementsOf(withdrawals);
    }

    @Test
    void aFailingSideEffectIsRetriedThenReported() {
        store.append("account-1", ExpectedRevision.ANY, List.of(Accounts.withdrawn(5)));
        AtomicInteger tries = new AtomicInteger();
        Projection<ProjectionContext> mailer = Projection.builder("mailer")
                .on(Accounts.WITHDRAWN, (event, context) -> context.sideEffect(() -> {
                    tries.incrementAndGet();
                    throw new IllegalStateException("smtp down");
                }))
                .build();
        ProjectionRunner runner = ProjectionRunner.builder(store, mailer, new InMemoryCheckpointStore())
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1))).start();
        assertThat(runner.awaitTermination(TIMEOUT)).isTrue();
        assertThat(runner.failure()).hasValueSatisfying(f -> {
            assertThat(f.stage()).isEqualTo(ProjectionFailure.Stage.SIDE_EFFECT);
            assertThat(f.cause()).hasMessage("smtp down");
        });
        assertThat(tries).hasValue(2);
    }

    @Test
    void theFilterOfAProjectionIsItsTypesNarrowedByCategoryOrPrefix() {
        Projection<ProjectionContext> any = Projection.builder("all").onAnyType((e, c) -> { }).streamPrefix("account-1").build();
        assertThat(any.filter()).isEqualTo(EventFilter.streamPrefix("account-1"));
        assertThatThrownBy(() -> Projection.builder("none").build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Projection.builder("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Projection.builder("x").on("A", (e, c) -> { }).on("A", (e, c) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closingTheStoreUnderARunningRunnerStopsItWithAReport() {
        MemoryBalances model = new MemoryBalances();
        ProjectionRunner runner = ProjectionRunner.start(store, model.projection("orphan", 1), new InMemoryCheckpointStore());
        assertThat(runner.awaitLive(TIMEOUT)).isTrue();
        store.close();
        assertThat(runner.awaitTermination(TIMEOUT)).isTrue();
        assertThat(runner.failure()).hasValueSatisfying(f -> assertThat(f.stage()).isEqualTo(ProjectionFailure.Stage.READ));
        Map<String, Accounts.Totals> none = model.snapshot();
        assertThat(none).isEmpty();
    }
}
