package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.core.Durability;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.ForwardingFileIO;
import io.strata.storage.io.ForwardingStorageFile;
import io.strata.storage.io.PageCacheAdviceTest;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each roll lets go of the cached pages of the sealed segment that falls out of the newest
 * {@link StoreConfig#cachedSegments()} (ADR 0009), on the trimmer's thread: only those, every one of them,
 * never in durability none; and every event still reads back from the segments let go.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PageCacheTrimmerTest {
    private static final long SEGMENT_BYTES = 64 << 10;
    private static final int EVENT_BYTES = 1000;
    private static final int SEGMENTS = 8;

    @TempDir
    Path temp;
    private final Set<String> letGo = ConcurrentHashMap.newKeySet();
    private NumberedAppends appends = new NumberedAppends(EVENT_BYTES);

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"FSYNC", "BATCHED"})
    void everySegmentOlderThanTheCachedOnesIsLetGoAndStillReads(Durability durability) throws Exception {
        Path dir = temp.resolve("store");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(dir, durability, 2))) {
            appendSegments(store, dir, SEGMENTS);
            List<Path> segments = segments(dir);
            assertThat(segments).hasSize(SEGMENTS);
            // the active segment and the two newest sealed ones stay cached
            List<String> older = segments.subList(0, SEGMENTS - 3).stream().map(p -> p.getFileName().toString()).toList();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(letGo).containsAll(older));
            assertThat(letGo).as("only segments older than the two newest sealed ones").hasSameSizeAs(older);
            Thread.sleep(50); // a late, wrong trim would show now
            assertThat(letGo).hasSameSizeAs(older);
            assertThat(PageCacheAdviceTest.resident(segments.get(0))).as("the oldest segment's pages").isFalse();
            appends.assertEveryAppendIn(store, "after the trims");
        }
    }

    @Test
    void durabilityNoneAndAllSegmentsCachedLetNothingGo() throws Exception {
        Path none = temp.resolve("none");
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(none, Durability.NONE, 0))) {
            appendSegments(store, none, 4);
        }
        Path all = temp.resolve("all");
        appends = new NumberedAppends(EVENT_BYTES);
        try (EmbeddedEventStore store = EmbeddedEventStore.open(config(all, Durability.FSYNC, Integer.MAX_VALUE))) {
            appendSegments(store, all, 4);
            Thread.sleep(100);
            appends.assertEveryAppendIn(store, "after the trims");
        }
        assertThat(letGo).isEmpty();
    }

    // ---- helpers

    private StoreConfig config(Path dir, Durability durability, int cachedSegments) {
        FileIO recording = new ForwardingFileIO(FileIO.standard()) {
            @Override
            public StorageFile open(Path path, boolean create) throws IOException {
                return new ForwardingStorageFile(super.open(path, create)) {
                    @Override
                    public boolean dropCachedPages() {
                        letGo.add(path.getFileName().toString());
                        return super.dropCachedPages();
                    }
                };
            }
        };
        return StoreConfig.builder(dir).fileIO(recording).durability(durability).segmentBytes(SEGMENT_BYTES)
                .cachedSegments(cachedSegments).build();
    }

    /** Appends until the log has {@code segments} segments, the last one just started. */
    private void appendSegments(EmbeddedEventStore store, Path dir, int segments) throws IOException {
        while (segments(dir).size() < segments) {
            appends.appendOne(store);
        }
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(EmbeddedEventStore.LOG_DIRECTORY))) {
            return files.filter(p -> p.toString().endsWith(Segment.SUFFIX)).sorted().toList();
        }
    }
}
