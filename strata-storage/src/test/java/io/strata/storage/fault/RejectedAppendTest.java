package io.strata.storage.fault;

import static io.strata.storage.fault.Appends.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.strata.core.AppendResult;
import io.strata.core.ErrorCode;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import io.strata.core.RecordedEvent;
import io.strata.core.StrataException;
import io.strata.core.TooLargeException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.LogVerifier;
import io.strata.storage.StoreConfig;
import io.strata.storage.crash.StoreContents;
import io.strata.storage.fault.Appends.Append;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends the store must refuse (over a limit, a bad name, nothing to append) are refused with their
 * own error code, write nothing, take no position, and leave the store readable and writable.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RejectedAppendTest {
    private static final int MAX_EVENT_BYTES = 1000;
    private static final int MAX_EVENTS = 10;

    @TempDir
    Path dir;
    private EmbeddedEventStore store;
    private final List<Append> acknowledged = new ArrayList<>();
    private int keys;

    @BeforeEach
    void open() {
        store = EmbeddedEventStore.open(StoreConfig.builder(dir).maxEventBytes(MAX_EVENT_BYTES).maxEventsPerAppend(MAX_EVENTS).build());
        appendOk(3, 2);
    }

    @AfterEach
    void closeAndReopen() throws IOException {
        store.close();
        assertThat(LogVerifier.verify(dir, n -> { }).firstProblem()).isEmpty();
        try (EmbeddedEventStore reopened = EmbeddedEventStore.open(StoreConfig.builder(dir).maxEventBytes(8 << 20).build())) {
            List<RecordedEvent> log = StoreContents.readAll(reopened);
            Appends.assertAllPresent(log, acknowledged);
            assertThat(log).as("after reopening: only what was acknowledged")
                    .hasSize(acknowledged.stream().mapToInt(a -> a.events().size()).sum());
        }
    }

    @Test
    void anEventOverTheSizeLimitIsRejectedWithTooLarge() {
        EventData atLimit = EventData.builder("Big").data(new byte[MAX_EVENT_BYTES - 10]).metadata(new byte[10]).build();
        EventData overByData = EventData.builder("Big").data(new byte[MAX_EVENT_BYTES + 1]).build();
        EventData overTogether = EventData.builder("Big").data(new byte[MAX_EVENT_BYTES - 10]).metadata(new byte[11]).build();
        TooLargeException e = rejected(TooLargeException.class, ErrorCode.TOO_LARGE, "s-big", List.of(overTogether));
        assertThat(e.limit()).isEqualTo(MAX_EVENT_BYTES);
        assertThat(e.actual()).isEqualTo(MAX_EVENT_BYTES + 1);
        rejected(TooLargeException.class, ErrorCode.TOO_LARGE, "s-big", List.of(overByData));
        // One oversized event fails the whole append: none of its good events is written.
        rejected(TooLargeException.class, ErrorCode.TOO_LARGE, "s-big", List.of(small(1), small(2), overTogether, small(3)));
        AppendResult r = store.append("s-big", ExpectedRevision.NO_STREAM, List.of(atLimit));
        acknowledged.add(new Append("at-limit", "s-big", List.of(atLimit), r));
        assertStillReadableAndWritable();
    }

    @Test
    void anAppendOfTooManyEventsIsRejectedWithTooLarge() {
        List<EventData> eleven = new ArrayList<>();
        for (int i = 0; i <= MAX_EVENTS; i++) {
            eleven.add(small(i));
        }
        TooLargeException e = rejected(TooLargeException.class, ErrorCode.TOO_LARGE, "s-many", eleven);
        assertThat(e.limit()).isEqualTo(MAX_EVENTS);
        AppendResult r = store.append("s-many", ExpectedRevision.ANY, eleven.subList(0, MAX_EVENTS));
        acknowledged.add(new Append("ten", "s-many", List.copyOf(eleven.subList(0, MAX_EVENTS)), r));
        assertStillReadableAndWritable();
    }

    @Test
    void invalidStreamNamesAndTypesAreRejectedWithInvalidRequest() {
        for (String stream : new String[] {"", "$all", "$reserved", "bad\u0000name", "tab\tname", "lone\uD800surrogate",
                "x".repeat(1001), "é".repeat(501)}) {
            rejected(InvalidRequestException.class, ErrorCode.INVALID_REQUEST, stream, List.of(small(1)));
        }
        rejected(InvalidRequestException.class, ErrorCode.INVALID_REQUEST, null, List.of(small(1)));
        for (String type : new String[] {"", "new\nline", "t".repeat(257)}) {
            rejected(InvalidRequestException.class, ErrorCode.INVALID_REQUEST, "s-types",
                    List.of(small(1), EventData.builder(type).data(new byte[3]).build()));
        }
        for (String contentType : new String[] {"", " ", "tab\there", "ü/x", "x".repeat(256)}) {
            rejected(InvalidRequestException.class, ErrorCode.INVALID_REQUEST, "s-types",
                    List.of(EventData.builder("T").contentType(contentType).build()));
        }
        // The longest valid names are accepted.
        List<EventData> ok = List.of(EventData.builder("t".repeat(256)).data(new byte[3]).build());
        String longest = "é".repeat(500);
        acknowledged.add(new Append("longest", longest, ok, store.append(longest, ExpectedRevision.ANY, ok)));
        assertStillReadableAndWritable();
    }

    @Test
    void anEmptyAppendIsRejectedWithInvalidRequest() {
        rejected(InvalidRequestException.class, ErrorCode.INVALID_REQUEST, "s-empty", List.of());
        rejected(InvalidRequestException.class, ErrorCode.INVALID_REQUEST, "s-empty", null);
        assertStillReadableAndWritable();
    }

    @Test
    void refusalsInterleavedWithGoodAppendsFromManyThreadsTakeNoPositions() throws Exception {
        List<CompletableFuture<?>> all = new ArrayList<>();
        List<Append> good = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int thread = t;
            all.add(CompletableFuture.runAsync(() -> {
                Random random = new Random(thread);
                for (int i = 0; i < 50; i++) {
                    if (random.nextBoolean()) {
                        Append a = append("mt-" + thread + "-" + i, "s-mt-" + thread, 1 + random.nextInt(3), 100, true);
                        good.add(a.acknowledged(Appends.submit(store, a)));
                    } else {
                        List<EventData> bad = random.nextBoolean() ? List.of(EventData.builder("X").data(new byte[MAX_EVENT_BYTES + 1]).build())
                                : List.of();
                        Throwable thrown = catchThrowable(() -> store.append("s-mt-" + thread, ExpectedRevision.ANY, bad));
                        assertThat(thrown).isInstanceOfAny(TooLargeException.class, InvalidRequestException.class);
                    }
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        acknowledged.addAll(good);
        assertStillReadableAndWritable();
    }

    @Test
    void anEventLargerThanTheWriteBufferIsWrittenWholeAndReadBack() throws IOException {
        store.close();
        store = EmbeddedEventStore.open(StoreConfig.builder(dir).maxEventBytes(8 << 20).segmentBytes(1 << 20).build());
        // 6 MiB: larger than the writer's 4 MiB buffer, the recovery scanner's 1 MiB chunk and a segment.
        Append huge = append("huge", "s-huge", 1, 6 << 20, true);
        acknowledged.add(huge.acknowledged(Appends.submit(store, huge)));
        Append two = append("two-large", "s-huge", 2, 3 << 20, false);
        acknowledged.add(two.acknowledged(Appends.submit(store, two)));
        assertStillReadableAndWritable();
    }

    // ---- helpers ----

    /** The append is refused, by append (thrown) and by appendAsync (a failed future, not a throw), with {@code code}. */
    private <E extends StrataException> E rejected(Class<E> type, ErrorCode code, String stream, List<EventData> events) {
        long head = store.headPositionExclusive();
        Throwable thrown = catchThrowable(() -> store.append(stream, ExpectedRevision.ANY, events));
        assertThat(thrown).as("append to %s of %s", stream, events).isInstanceOf(type);
        assertThat(((StrataException) thrown).code()).isEqualTo(code);
        CompletableFuture<AppendResult> future = store.appendAsync(stream, ExpectedRevision.ANY, events);
        assertThat(catchThrowable(future::join)).as("appendAsync to %s", stream)
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(type);
        assertThat(store.headPositionExclusive()).as("head after a refused append").isEqualTo(head);
        return type.cast(thrown);
    }

    private static EventData small(int i) {
        return EventData.builder("Small").data(new byte[] {(byte) i}).build();
    }

    private void appendOk(int count, int size) {
        for (int i = 0; i < count; i++) {
            keys++;
            Append a = append("ok-" + keys, "s-ok", size, 100, keys % 2 == 0);
            acknowledged.add(a.acknowledged(Appends.submit(store, a)));
        }
    }

    /** Everything acknowledged reads back, positions are gap-free, and another append works and reads back. */
    private void assertStillReadableAndWritable() {
        List<RecordedEvent> log = StoreContents.readAll(store);
        StoreContents.checkConsistent(store, log);
        Appends.assertAllPresent(log, acknowledged);
        appendOk(1, 3);
        List<RecordedEvent> after = StoreContents.readAll(store);
        assertThat(after).hasSize(log.size() + 3);
        Appends.assertAllPresent(after, acknowledged);
    }
}
