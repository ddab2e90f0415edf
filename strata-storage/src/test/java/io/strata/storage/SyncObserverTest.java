package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer tells {@link StoreConfig.SyncObserver} of each fsync of the log, once, with its group size. */
class SyncObserverTest {
    @TempDir
    Path dir;

    /** What the observer heard, in order. */
    private final List<Sync> syncs = new CopyOnWriteArrayList<>();

    private record Sync(long nanos, int appends) {
    }

    private EmbeddedEventStore open(StoreConfig.Builder config) {
        return EmbeddedEventStore.open(config.syncObserver((nanos, appends) -> syncs.add(new Sync(nanos, appends))).build());
    }

    private static List<EventData> events(int count, int bytes) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(EventData.json("Happened", ("\"" + "x".repeat(bytes) + "\"").getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    private int appendsReported() {
        return syncs.stream().mapToInt(Sync::appends).sum();
    }

    @Test
    void eachSyncedBatchIsReportedOnceWithItsDuration() {
        try (EmbeddedEventStore store = open(StoreConfig.builder(dir))) {
            for (int i = 0; i < 20; i++) {
                // One at a time, so each append is a batch of its own.
                store.append("s-" + i % 3, ExpectedRevision.ANY, events(1 + i % 4, 10));
                assertThat(syncs).as("after append %d", i).hasSize(i + 1);
            }
        }
        assertThat(syncs.subList(0, 20)).allSatisfy(sync -> {
            assertThat(sync.appends()).isEqualTo(1);
            assertThat(sync.nanos()).isPositive();
        });
    }

    @Test
    void concurrentAppendsAreCountedOnceAcrossGroupCommits() {
        int appends = 400;
        try (EmbeddedEventStore store = open(StoreConfig.builder(dir))) {
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            for (int i = 0; i < appends; i++) {
                futures.add(store.appendAsync("s-" + i % 7, ExpectedRevision.ANY, events(2, 50)));
            }
            futures.forEach(CompletableFuture::join);
            // Each batch's fsync comes before its answers, so every one is reported by now.
            assertThat(appendsReported()).isEqualTo(appends);
            assertThat(syncs).hasSizeLessThanOrEqualTo(appends).allSatisfy(sync -> assertThat(sync.appends()).isPositive());
        }
    }

    @Test
    void aSegmentRollIsReportedButItsBatchIsCountedOnce() {
        int appends = 30;
        // 4 KiB segments: a ~1.5 KiB append fills one every few appends.
        try (EmbeddedEventStore store = open(StoreConfig.builder(dir).segmentBytes(4096))) {
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            for (int i = 0; i < appends; i++) {
                futures.add(store.appendAsync("s", ExpectedRevision.ANY, events(1, 1500)));
            }
            futures.forEach(CompletableFuture::join);
            assertThat(appendsReported()).isEqualTo(appends);
            assertThat(syncs).as("the seals of full segments").anySatisfy(sync -> assertThat(sync.appends()).isZero());
        }
    }

    @Test
    void anIdempotentRetryWritesNothingAndSyncsNothing() {
        List<EventData> batch = List.of(EventData.builder("Happened").id(UUID.randomUUID()).data("1".getBytes(StandardCharsets.UTF_8)).build());
        try (EmbeddedEventStore store = open(StoreConfig.builder(dir))) {
            AppendResult first = store.append("s", ExpectedRevision.NO_STREAM, batch);
            AppendResult retry = store.append("s", ExpectedRevision.NO_STREAM, batch);
            assertThat(retry).isEqualTo(first);
            assertThat(syncs).hasSize(1);
        }
    }

    @Test
    void durabilityNoneSyncsNothingWhileAppending() {
        try (EmbeddedEventStore store = open(StoreConfig.builder(dir).durability(Durability.NONE))) {
            for (int i = 0; i < 50; i++) {
                store.append("s", ExpectedRevision.ANY, events(1, 10));
            }
            assertThat(syncs).isEmpty();
        }
        // Closing makes everything durable: that fsync carries all 50.
        assertThat(syncs).hasSize(1);
        assertThat(syncs.getFirst().appends()).isEqualTo(50);
    }

    @Test
    void batchedModeReportsTheAppendsSinceThePreviousFsync() {
        try (EmbeddedEventStore store = open(StoreConfig.builder(dir).durability(Durability.BATCHED)
                .batchedFsyncInterval(Duration.ofMillis(5)))) {
            for (int i = 0; i < 30; i++) {
                store.append("s", ExpectedRevision.ANY, events(1, 10));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> appendsReported() == 30);
            assertThat(syncs).hasSizeLessThanOrEqualTo(30);
        }
    }

    @Test
    void anObserverThatThrowsDoesNotStopTheWriter() {
        StoreConfig config = StoreConfig.builder(dir).syncObserver((nanos, appends) -> {
            throw new IllegalStateException("a broken metrics exporter");
        }).build();
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config)) {
            for (int i = 0; i < 5; i++) {
                assertThat(store.append("s", ExpectedRevision.ANY, events(1, 10)).lastRevision()).isEqualTo(i);
            }
        }
    }
}
