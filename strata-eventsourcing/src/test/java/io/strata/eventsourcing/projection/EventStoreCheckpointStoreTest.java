package io.strata.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.core.ExpectedRevision;
import io.strata.core.Position;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints as events in the store: resume, the at-least-once window, bookkeeping, conflicts. */
class EventStoreCheckpointStoreTest {
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
    void aGracefulStopWritesTheCheckpointAndARestartAppliesNothingTwice() {
        Accounts.appendRandom(store, new Random(1), 2_500, 25);
        EventStoreCheckpointStore checkpoints = EventStoreCheckpointStore.builder(store).everyEvents(1_000).interval(Duration.ofHours(1)).build();
        MemoryBalances model = new MemoryBalances(); // stands for a durable model (a search index, files)
        Position head = Accounts.head(store);
        try (ProjectionRunner runner = ProjectionRunner.start(store, model.projection("balances", 1), checkpoints)) {
            assertThat(runner.awaitCheckpoint(head, TIMEOUT)).isTrue();
        }
        // At or past the head: the store's own bookkeeping events (after the head) are scanned too.
        assertThat(checkpoints.checkpoint("balances", 1)).hasValueSatisfying(p -> assertThat(p).isGreaterThanOrEqualTo(head));

        Position more = Accounts.appendRandom(store, new Random(2), 700, 25);
        try (ProjectionRunner runner = ProjectionRunner.start(store, model.projection("balances", 1), checkpoints)) {
            assertThat(runner.awaitCheckpoint(more, TIMEOUT)).isTrue();
        }
        assertThat(model.duplicates()).isZero();
        assertThat(model.snapshot()).isEqualTo(Accounts.fold(store));
    }

    @Test
    void afterACrashAtMostEveryEventsPositionsAreAppliedAgain() {
        int everyEvents = 100;
        Accounts.appendRandom(store, new Random(3), 1_050, 25);
        EventStoreCheckpointStore real = EventStoreCheckpointStore.builder(store).everyEvents(everyEvents).interval(Duration.ofHours(1)).build();
        MemoryBalances model = new MemoryBalances();
        Position head = Accounts.head(store);
        try (ProjectionRunner crashing = ProjectionRunner.builder(store, model.projection("balances", 1), new CrashAtStopCheckpointStore(real))
                .batchSize(64).start()) {
            assertThat(crashing.awaitCheckpoint(head, TIMEOUT)).isTrue();
        }
        long written = real.checkpoint("balances", 1).orElseThrow().value();
        assertThat(written).isLessThan(head.value()); // the crash did lose the last checkpoint

        try (ProjectionRunner restarted = ProjectionRunner.start(store, model.projection("balances", 1), real)) {
            assertThat(restarted.awaitCheckpoint(head, TIMEOUT)).isTrue();
            assertThat(restarted.eventsHandled()).isEqualTo(head.value() - written);
        }
        assertThat(model.duplicates()).isEqualTo(head.value() - written).isPositive().isLessThan(everyEvents);
        assertThat(model.applications).hasSize(1_050); // and none was missed
    }

    @Test
    void projectionsOfAllDoNotSeeCheckpointEventsAndAnIdleRunnerStopsWriting() {
        store.append("account-1", ExpectedRevision.ANY, List.of(Accounts.deposited(1), Accounts.deposited(2)));
        EventStoreCheckpointStore checkpoints = EventStoreCheckpointStore.builder(store).everyEvents(1).interval(Duration.ofMillis(20)).build();
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        Projection<ProjectionContext> everything = Projection.builder("everything").onAnyType((e, c) -> seen.add(e)).build();
        String stream = EventStoreCheckpointStore.checkpointStream("everything", 1);
        try (ProjectionRunner runner = ProjectionRunner.builder(store, everything, checkpoints).idleInterval(Duration.ofMillis(10)).start()) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
            store.append("account-2", ExpectedRevision.ANY, List.of(Accounts.deposited(3)));
            await().atMost(TIMEOUT).until(() -> seen.size() == 3);
            await().atMost(TIMEOUT).until(() -> checkpointRevision(stream) >= 0
                    && checkpoints.checkpoint("everything", 1).orElseThrow().value() >= 2);
            long revision = checkpointRevision(stream);
            // 300 ms is 15 write intervals: a runner that counted its own checkpoints would write again
            await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> checkpointRevision(stream) == revision);
        }
        assertThat(seen).extracting(RecordedEvent::stream).containsExactly("account-1", "account-1", "account-2");
    }

    @Test
    void aSecondRunnerOfTheSameVersionIsDetected() {
        EventStoreCheckpointStore checkpoints = EventStoreCheckpointStore.builder(store).everyEvents(1).build();
        MemoryBalances model = new MemoryBalances();
        ProjectionRunner a = ProjectionRunner.start(store, model.projection("twice", 1), checkpoints);
        ProjectionRunner b = ProjectionRunner.start(store, model.projection("twice", 1), checkpoints);
        // Both must be running before the events come: a runner that starts after the other has written
        // its last checkpoint resumes from it, writes nothing, and nothing can tell them apart (this test
        // timed out that way in CI; 3 of 100 repetitions under CPU load before this wait, 0 of 100 after).
        // (Going live may already bring the conflict: both find no checkpoint and one writes first.)
        await().atMost(TIMEOUT).until(() -> liveOrFailed(a) && liveOrFailed(b));
        Accounts.appendRandom(store, new Random(4), 50, 3);
        await().atMost(TIMEOUT).until(() -> a.failure().isPresent() || b.failure().isPresent());
        ProjectionFailure failure = a.failure().or(b::failure).orElseThrow();
        assertThat(failure.cause()).isInstanceOf(CheckpointConflictException.class).hasMessageContaining("running twice");
        a.stop();
        b.stop();
    }

    private static boolean liveOrFailed(ProjectionRunner runner) {
        return runner.state() == ProjectionRunner.State.LIVE || runner.failure().isPresent();
    }

    private long checkpointRevision(String stream) {
        try {
            return store.readStream(stream, ReadStreamOptions.backwards().limit(1)).lastRevision();
        } catch (io.strata.core.StreamNotFoundException e) {
            return -1;
        }
    }
}
