package io.strata.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.abort;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The semantics of {@link EventStore}, as tests that every engine passes: the embedded engine, the
 * Java client against a real server, and later the Kafka engine. Tests are named as specifications.
 *
 * <p>A subclass provides a fresh, empty store per test ({@link #openStore()}) and, when the engine
 * keeps data across restarts, {@link #reopen(EventStore)}; tests that need a restart are skipped
 * (by an assumption) otherwise. A few limits are the engine's to tell ({@link #maxEventBytes()},
 * {@link #maxEventsPerAppend()}).
 *
 * <p>Nothing here depends on how an engine is built: only on {@link EventStore}, the HTTP
 * contract's semantics ({@code spec/http-api.md}) and the Javadoc of {@code io.strata.core}.
 */
@Timeout(value = 120, unit = SECONDS)
public abstract class EventStoreContract {

    /** The store under test, fresh and empty at the start of each test. */
    protected EventStore store;

    private final List<EventStore> openStores = new ArrayList<>();
    private final List<Subscription> openSubscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong dataCounter = new AtomicLong();

    // ------------------------------------------------------------------------------------ the hooks

    /** A fresh, empty store; a new one for every call. */
    protected abstract EventStore openStore();

    /**
     * Closes {@code store} and opens the same data again. The default says the engine cannot, which
     * skips the tests that need a restart.
     */
    protected EventStore reopen(EventStore store) {
        throw new UnsupportedOperationException("this engine cannot be reopened");
    }

    /**
     * A fresh, empty store that remembers event ids for idempotence for only about the last
     * {@code events} events (the dedup window). The default says the engine cannot be configured so,
     * which skips the test of the "exact expected revision: idempotent forever" rule.
     */
    protected EventStore openStoreWithDedupWindowEvents(long events) {
        throw new UnsupportedOperationException("this engine's dedup window cannot be set");
    }

    /** The largest data + metadata of one event that the store accepts (default 1 MiB). */
    protected int maxEventBytes() {
        return 1 << 20;
    }

    /** The most events one append may carry (default 10,000). */
    protected int maxEventsPerAppend() {
        return 10_000;
    }

    /**
     * Whether positions are the dense sequence 0, 1, 2, … (true for the embedded engine). Engines
     * whose positions are only ordered tokens override this with false; order is still checked.
     */
    protected boolean positionsAreGapFree() {
        return true;
    }

    @BeforeEach
    final void openTheStore() {
        store = track(openStore());
    }

    @AfterEach
    final void closeEverything() {
        for (Subscription s : openSubscriptions) {
            s.close();
        }
        for (EventStore s : openStores) {
            s.close();
        }
        openStores.clear();
    }

    /** Closes the test's store through the engine's own {@link #reopen}, or skips the test. */
    protected final EventStore restart() {
        EventStore old = store;
        EventStore reopened;
        try {
            reopened = reopen(old);
        } catch (UnsupportedOperationException e) {
            abort("the engine does not support reopening: " + e.getMessage());
            throw e;
        }
        openStores.remove(old);
        store = track(reopened);
        return store;
    }

    protected final EventStore track(EventStore s) {
        openStores.add(s);
        return s;
    }

    /** Closes {@code s} here, so that the teardown does not close it a second time. */
    protected final void closeStore(EventStore s) {
        openStores.remove(s);
        s.close();
    }

    protected final Subscription track(Subscription s) {
        openSubscriptions.add(s);
        return s;
    }

    // ----------------------------------------------------------------------------------- appending

    @Test
    void appendToNewStreamStartsAtRevisionZero() {
        AppendResult r = store.append("order-1", ExpectedRevision.NO_STREAM, events(1, "OrderPlaced"));

        assertThat(r.stream()).isEqualTo("order-1");
        assertThat(r.firstRevision()).isZero();
        assertThat(r.lastRevision()).isZero();
        assertThat(store.readStream("order-1", ReadStreamOptions.forwards()).events())
                .extracting(RecordedEvent::revision).containsExactly(0L);
    }

    @Test
    void appendContinuesFromTheLastRevision() {
        store.append("order-1", ExpectedRevision.ANY, events(2, "A"));
        AppendResult r = store.append("order-1", ExpectedRevision.ANY, events(3, "B"));

        assertThat(r.firstRevision()).isEqualTo(2);
        assertThat(r.lastRevision()).isEqualTo(4);
        assertThat(revisions(readWholeStream("order-1"))).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void appendReturnsWhereTheBatchLanded() {
        store.append("other-1", ExpectedRevision.ANY, events(2, "X"));
        List<EventData> batch = events(3, "A");
        AppendResult r = store.append("order-1", ExpectedRevision.ANY, batch);

        List<RecordedEvent> read = readWholeStream("order-1");
        assertThat(read).extracting(RecordedEvent::id).containsExactlyElementsOf(ids(batch));
        assertThat(read.get(0).position()).isEqualTo(r.firstPosition());
        assertThat(read.get(2).position()).isEqualTo(r.lastPosition());
        assertThat(read).allSatisfy(e -> assertThat(e.recordedTime()).isEqualTo(r.recordedTime()));
        if (positionsAreGapFree()) {
            assertThat(r.firstPosition()).isEqualTo(Position.of(2));
            assertThat(r.lastPosition()).isEqualTo(Position.of(4));
        }
    }

    @Test
    void appendedEventsAreReadableAsSoonAsAppendReturns() {
        for (int i = 0; i < 50; i++) {
            AppendResult r = store.append("s-" + (i % 3), ExpectedRevision.ANY, events(1 + i % 3, "E"));
            StreamSlice back = store.readStream("s-" + (i % 3), ReadStreamOptions.backwards().limit(1));
            assertThat(back.events()).extracting(RecordedEvent::revision).containsExactly(r.lastRevision());
            assertThat(back.lastRevision()).isEqualTo(r.lastRevision());
            AllSlice all = store.readAll(ReadAllOptions.backwards().limit(1));
            assertThat(all.events()).extracting(RecordedEvent::position).containsExactly(r.lastPosition());
            assertThat(store.info().headPosition()).contains(r.lastPosition());
        }
    }

    @Test
    void missingIdsAreAssignedByTheStore() {
        AppendResult r = store.append("order-1", ExpectedRevision.ANY,
                List.of(EventData.json("A", json(1)), EventData.json("A", json(2))));

        List<RecordedEvent> read = readWholeStream("order-1");
        assertThat(read).hasSize(2);
        assertThat(read).extracting(RecordedEvent::id).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(r.lastRevision()).isEqualTo(1);
    }

    @Test
    void missingIdsAreTimeOrderedUuids() {
        long before = System.currentTimeMillis();
        store.append("order-1", ExpectedRevision.ANY, List.of(EventData.json("A", json(1))));
        long after = System.currentTimeMillis();

        UUID id = readWholeStream("order-1").get(0).id();
        assertThat(id.version()).as("UUID version of %s", id).isEqualTo(7);
        long millis = id.getMostSignificantBits() >>> 16;
        assertThat(millis).as("the time in %s", id).isBetween(before - 1000, after + 1000);
    }

    @Test
    void duplicateIdsWithinOneBatchAreInvalid() {
        EventData once = event("A");

        assertInvalid(() -> store.append("s-1", ExpectedRevision.ANY, List.of(once, event("B"), once)));
        assertThat(store.info().events()).isZero();
        assertThat(store.append("s-1", ExpectedRevision.ANY, List.of(once)).firstRevision()).isZero();
    }

    @Test
    void appendsWithoutIdsAreNeverDeduplicated() {
        store.append("order-1", ExpectedRevision.ANY, List.of(EventData.json("A", json(1))));
        store.append("order-1", ExpectedRevision.ANY, List.of(EventData.json("A", json(1))));

        assertThat(readWholeStream("order-1")).hasSize(2);
    }

    @Test
    void appendAsyncCompletesWithTheResult() {
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(store.appendAsync("order-1", ExpectedRevision.ANY, events(1, "A")));
        }
        List<Long> revisions = futures.stream().map(Futures::join).map(AppendResult::firstRevision).sorted().toList();

        assertThat(revisions).containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
        assertThat(readWholeStream("order-1")).hasSize(100);
    }

    @Test
    void appendAsyncReportsErrorsThroughTheFuture() {
        store.append("order-1", ExpectedRevision.ANY, events(1, "A"));

        CompletableFuture<AppendResult> wrong = store.appendAsync("order-1", ExpectedRevision.NO_STREAM, events(1, "A"));
        CompletableFuture<AppendResult> invalid = store.appendAsync("", ExpectedRevision.ANY, events(1, "A"));

        assertThat(catchThrowable(wrong::get)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WrongExpectedRevisionException.class);
        assertThat(catchThrowable(invalid::get)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidRequestException.class);
    }

    // ---------------------------------------------------------------------------- expected revision

    @Test
    void anyAppendsWhateverTheStreamState() {
        assertThat(store.append("s-1", ExpectedRevision.ANY, events(1, "A")).firstRevision()).isZero();
        assertThat(store.append("s-1", ExpectedRevision.ANY, events(1, "A")).firstRevision()).isEqualTo(1);
    }

    @Test
    void noStreamAcceptsOnlyAStreamWithoutEvents() {
        assertThat(store.append("s-1", ExpectedRevision.NO_STREAM, events(2, "A")).lastRevision()).isEqualTo(1);

        assertWrongExpectedRevision(() -> store.append("s-1", ExpectedRevision.NO_STREAM, events(1, "A")),
                "s-1", ExpectedRevision.NO_STREAM, OptionalLong.of(1));
    }

    @Test
    void existsAcceptsOnlyAStreamWithEvents() {
        assertWrongExpectedRevision(() -> store.append("s-1", ExpectedRevision.EXISTS, events(1, "A")),
                "s-1", ExpectedRevision.EXISTS, OptionalLong.empty());
        store.append("s-1", ExpectedRevision.NO_STREAM, events(1, "A"));

        assertThat(store.append("s-1", ExpectedRevision.EXISTS, events(1, "A")).firstRevision()).isEqualTo(1);
    }

    @Test
    void exactRevisionMustEqualTheLastRevision() {
        assertWrongExpectedRevision(() -> store.append("s-1", ExpectedRevision.exactly(0), events(1, "A")),
                "s-1", ExpectedRevision.exactly(0), OptionalLong.empty());
        store.append("s-1", ExpectedRevision.NO_STREAM, events(3, "A"));

        assertWrongExpectedRevision(() -> store.append("s-1", ExpectedRevision.exactly(1), events(1, "A")),
                "s-1", ExpectedRevision.exactly(1), OptionalLong.of(2));
        assertWrongExpectedRevision(() -> store.append("s-1", ExpectedRevision.exactly(3), events(1, "A")),
                "s-1", ExpectedRevision.exactly(3), OptionalLong.of(2));
        AppendResult r = store.append("s-1", ExpectedRevision.exactly(2), events(2, "A"));
        assertThat(r.firstRevision()).isEqualTo(3);
        assertThat(r.lastRevision()).isEqualTo(4);
    }

    @Test
    void appendRejectsWrongExpectedRevisionAndWritesNothing() {
        store.append("s-1", ExpectedRevision.NO_STREAM, events(2, "A"));
        store.append("s-2", ExpectedRevision.NO_STREAM, events(1, "A"));
        List<RecordedEvent> before = readAllEvents();
        StoreInfo infoBefore = store.info();

        List<EventData> rejected = events(3, "B");
        assertThatThrownBy(() -> store.append("s-1", ExpectedRevision.exactly(0), rejected))
                .isInstanceOf(WrongExpectedRevisionException.class);
        assertThatThrownBy(() -> store.append("s-3", ExpectedRevision.EXISTS, rejected))
                .isInstanceOf(WrongExpectedRevisionException.class);

        assertThat(readAllEvents()).isEqualTo(before);
        assertThat(store.info().events()).isEqualTo(infoBefore.events());
        assertThat(store.info().streams()).isEqualTo(infoBefore.streams());
        assertThat(store.info().headPosition()).isEqualTo(infoBefore.headPosition());
        assertThatThrownBy(() -> store.readStream("s-3", ReadStreamOptions.forwards()))
                .isInstanceOf(StreamNotFoundException.class);
        // The ids of a failed append were not written, so they are free to be written now.
        assertThat(store.append("s-1", ExpectedRevision.exactly(1), rejected).firstRevision()).isEqualTo(2);
    }

    @Test
    void wrongExpectedRevisionCarriesStreamExpectedAndActual() {
        store.append("order-7", ExpectedRevision.NO_STREAM, events(5, "A"));
        ExpectedRevision expected = ExpectedRevision.exactly(2);

        Throwable thrown = catchThrowable(() -> store.append("order-7", expected, events(1, "A")));

        assertThat(thrown).isInstanceOf(WrongExpectedRevisionException.class);
        WrongExpectedRevisionException e = (WrongExpectedRevisionException) thrown;
        assertThat(e.code()).isEqualTo(ErrorCode.WRONG_EXPECTED_REVISION);
        assertThat(e.code().wireName()).isEqualTo("wrong_expected_revision");
        assertThat(e.stream()).isEqualTo("order-7");
        assertThat(e.expected()).isEqualTo(expected);
        assertThat(e.actual()).hasValue(4);
    }

    @Test
    void concurrentAppendersToOneStreamWithExpectedRevisionNeverBothWin() throws Exception {
        int threads = 4;
        int rounds = 40;
        // Round -1: everyone creates the stream with no_stream; then round r: everyone expects r.
        AtomicInteger[] winners = new AtomicInteger[rounds + 1];
        for (int i = 0; i < winners.length; i++) {
            winners[i] = new AtomicInteger();
        }
        List<String> problems = new CopyOnWriteArrayList<>();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int round = -1; round < rounds; round++) {
                        ExpectedRevision expected = round < 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(round);
                        barrier.await();
                        try {
                            AppendResult r = store.append("contended-1", expected, events(1, "A"));
                            winners[round + 1].incrementAndGet();
                            if (r.firstRevision() != round + 1) {
                                problems.add("winner of round " + round + " got revision " + r.firstRevision());
                            }
                        } catch (WrongExpectedRevisionException e) {
                            if (!e.actual().equals(OptionalLong.of(round + 1))) {
                                problems.add("loser of round " + round + " saw actual " + e.actual());
                            }
                        }
                        barrier.await();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(problems).isEmpty();
        assertThat(Arrays.stream(winners).map(AtomicInteger::get)).as("winners per round").containsOnly(1);
        assertThat(revisions(readWholeStream("contended-1")))
                .containsExactlyElementsOf(LongStream.rangeClosed(0, rounds).boxed().toList());
    }

    // -------------------------------------------------------------------------- the log as a whole

    @Test
    void batchIsAtomicForReaders() throws Exception {
        int batchSize = 7;
        int batches = 150;
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> problems = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                int inStream;
                try {
                    inStream = readWholeStream("batch-1").size();
                } catch (StreamNotFoundException e) {
                    inStream = 0;
                }
                if (inStream % batchSize != 0) {
                    problems.add("a stream read saw " + inStream + " events");
                }
                int inLog = readAllEvents().size();
                if (inLog % batchSize != 0) {
                    problems.add("a read of $all saw " + inLog + " events");
                }
                AllSlice tail = store.readAll(ReadAllOptions.backwards().limit(batchSize * 2));
                long head = tail.events().isEmpty() ? -1 : tail.events().get(0).revision();
                if (head % batchSize != batchSize - 1 && head != -1) {
                    problems.add("the newest event seen backwards was revision " + head);
                }
            }
        });
        try {
            for (int i = 0; i < batches; i++) {
                store.append("batch-1", ExpectedRevision.ANY, events(batchSize, "A"));
            }
        } finally {
            writing.set(false);
            reader.join();
        }

        assertThat(problems).isEmpty();
        assertThat(readWholeStream("batch-1")).hasSize(batchSize * batches);
    }

    @Test
    void positionsAreGapFreeAndCommitOrderedAcrossStreams() throws Exception {
        int threads = 4;
        int appendsPerThread = 60;
        List<AppendResult> results = new CopyOnWriteArrayList<>();
        Map<String, List<AppendResult>> perThread = new HashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> problems = new CopyOnWriteArrayList<>();

        // A reader polling $all must only ever see a prefix of the final log that only grows: if it
        // ever saw position p before some position < p, a subscriber could skip an event.
        Thread reader = Thread.ofPlatform().start(() -> {
            List<UUID> previous = List.of();
            while (writing.get()) {
                List<RecordedEvent> seen = readAllEvents();
                List<UUID> ids = seen.stream().map(RecordedEvent::id).toList();
                if (ids.size() < previous.size() || !ids.subList(0, previous.size()).equals(previous)) {
                    problems.add("a later read of $all is not an extension of an earlier one");
                }
                if (positionsAreGapFree()) {
                    for (int i = 0; i < seen.size(); i++) {
                        if (seen.get(i).position().value() != i) {
                            problems.add("a read of $all saw position " + seen.get(i).position() + " at index " + i);
                            break;
                        }
                    }
                }
                previous = ids;
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<AppendResult>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String stream = "writer-" + t;
                futures.add(pool.submit(() -> {
                    List<AppendResult> mine = new ArrayList<>();
                    for (int i = 0; i < appendsPerThread; i++) {
                        AppendResult r = store.append(stream, ExpectedRevision.ANY, events(1 + i % 3, "A"));
                        mine.add(r);
                        results.add(r);
                    }
                    return mine;
                }));
            }
            for (int t = 0; t < threads; t++) {
                perThread.put("writer-" + t, futures.get(t).get(60, SECONDS));
            }
        } finally {
            writing.set(false);
            reader.join();
            pool.shutdownNow();
        }

        assertThat(problems).isEmpty();
        List<RecordedEvent> log = readAllEvents();
        int total = results.stream().mapToInt(r -> (int) (r.lastRevision() - r.firstRevision() + 1)).sum();
        assertThat(log).hasSize(total);
        assertStrictlyIncreasingPositions(log);
        if (positionsAreGapFree()) {
            assertThat(log).extracting(e -> e.position().value())
                    .containsExactlyElementsOf(LongStream.range(0, total).boxed().toList());
        }
        // Each append occupies a contiguous run of the log, where its result says.
        Map<Position, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < log.size(); i++) {
            indexOf.put(log.get(i).position(), i);
        }
        for (AppendResult r : results) {
            int first = indexOf.get(r.firstPosition());
            int last = indexOf.get(r.lastPosition());
            assertThat(last - first).isEqualTo(r.lastRevision() - r.firstRevision());
            for (int i = first; i <= last; i++) {
                assertThat(log.get(i).stream()).isEqualTo(r.stream());
                assertThat(log.get(i).revision()).isEqualTo(r.firstRevision() + (i - first));
            }
        }
        // Appends from one thread follow each other: commit order is the order they were acknowledged.
        for (List<AppendResult> mine : perThread.values()) {
            for (int i = 1; i < mine.size(); i++) {
                assertThat(mine.get(i).firstPosition()).isGreaterThan(mine.get(i - 1).lastPosition());
            }
        }
    }

    @Test
    void recordedTimeNeverDecreases() throws Exception {
        int threads = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String stream = "time-" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 80; i++) {
                        store.append(stream, ExpectedRevision.ANY, events(1 + i % 2, "A"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<RecordedEvent> log = readAllEvents();
        assertThat(log).hasSize(3 * 120);
        for (int i = 1; i < log.size(); i++) {
            assertThat(log.get(i).recordedTime()).as("recorded time at %s", log.get(i).position())
                    .isAfterOrEqualTo(log.get(i - 1).recordedTime());
        }
    }

    @Test
    void recordedTimeIsTheTimeOfTheAppendInMicroseconds() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        AppendResult r = store.append("s-1", ExpectedRevision.ANY, events(3, "A"));
        Instant after = Instant.now();

        assertThat(r.recordedTime()).isBetween(before, after);
        assertThat(r.recordedTime().getNano() % 1000).as("sub-microsecond part").isZero();
        assertThat(readWholeStream("s-1")).extracting(RecordedEvent::recordedTime).containsOnly(r.recordedTime());
    }

    // ------------------------------------------------------------------------------ reading streams

    @Test
    void readStreamForwardsReturnsEventsInRevisionOrder() {
        List<EventData> written = events(5, "A");
        store.append("s-1", ExpectedRevision.ANY, written.subList(0, 2));
        store.append("other-1", ExpectedRevision.ANY, events(3, "B"));
        store.append("s-1", ExpectedRevision.ANY, written.subList(2, 5));

        StreamSlice slice = store.readStream("s-1", ReadStreamOptions.forwards());

        assertThat(slice.stream()).isEqualTo("s-1");
        assertThat(slice.events()).extracting(RecordedEvent::id).containsExactlyElementsOf(ids(written));
        assertThat(slice.events()).extracting(RecordedEvent::revision).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(slice.events()).extracting(RecordedEvent::stream).containsOnly("s-1");
        assertStrictlyIncreasingPositions(slice.events());
        assertThat(slice.lastRevision()).isEqualTo(4);
        assertThat(slice.next()).isEmpty();
    }

    @Test
    void readStreamBackwardsFromEnd() {
        store.append("s-1", ExpectedRevision.ANY, events(5, "A"));

        StreamSlice slice = store.readStream("s-1", ReadStreamOptions.backwards());

        assertThat(revisions(slice.events())).containsExactly(4L, 3L, 2L, 1L, 0L);
        assertThat(slice.lastRevision()).isEqualTo(4);
        assertThat(slice.next()).isEmpty();
    }

    @Test
    void readStreamPagesWithNext() {
        store.append("s-1", ExpectedRevision.ANY, events(10, "A"));

        StreamSlice p1 = store.readStream("s-1", ReadStreamOptions.forwards().limit(3));
        assertThat(revisions(p1.events())).containsExactly(0L, 1L, 2L);
        assertThat(p1.next()).hasValue(3);
        assertThat(p1.lastRevision()).isEqualTo(9);
        StreamSlice p2 = store.readStream("s-1", ReadStreamOptions.forwards().limit(3).from(p1.next().getAsLong()));
        assertThat(revisions(p2.events())).containsExactly(3L, 4L, 5L);
        assertThat(p2.next()).hasValue(6);
        StreamSlice p3 = store.readStream("s-1", ReadStreamOptions.forwards().limit(4).from(6));
        assertThat(revisions(p3.events())).containsExactly(6L, 7L, 8L, 9L);
        assertThat(p3.next()).as("next at the end").isEmpty();
    }

    @Test
    void readStreamPagesBackwardsWithNext() {
        store.append("s-1", ExpectedRevision.ANY, events(10, "A"));

        StreamSlice p1 = store.readStream("s-1", ReadStreamOptions.backwards().limit(4));
        assertThat(revisions(p1.events())).containsExactly(9L, 8L, 7L, 6L);
        assertThat(p1.next()).hasValue(5);
        StreamSlice p2 = store.readStream("s-1", ReadStreamOptions.backwards().limit(4).from(5));
        assertThat(revisions(p2.events())).containsExactly(5L, 4L, 3L, 2L);
        assertThat(p2.next()).hasValue(1);
        StreamSlice p3 = store.readStream("s-1", ReadStreamOptions.backwards().limit(4).from(1));
        assertThat(revisions(p3.events())).containsExactly(1L, 0L);
        assertThat(p3.next()).as("next at the start").isEmpty();
    }

    @Test
    void readStreamFromTheMiddleIncludesThatRevision() {
        store.append("s-1", ExpectedRevision.ANY, events(10, "A"));

        assertThat(revisions(store.readStream("s-1", ReadStreamOptions.forwards().from(7)).events()))
                .containsExactly(7L, 8L, 9L);
        assertThat(revisions(store.readStream("s-1", ReadStreamOptions.backwards().from(2)).events()))
                .containsExactly(2L, 1L, 0L);
    }

    @Test
    void readStreamForwardsFromBeyondTheEndIsEmpty() {
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));

        StreamSlice slice = store.readStream("s-1", ReadStreamOptions.forwards().from(3));

        assertThat(slice.events()).isEmpty();
        assertThat(slice.next()).isEmpty();
        assertThat(slice.lastRevision()).isEqualTo(2);
        assertThat(store.readStream("s-1", ReadStreamOptions.forwards().from(1000)).events()).isEmpty();
    }

    @Test
    void readStreamBackwardsFromBeyondTheEndStartsAtTheLastRevision() {
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));

        StreamSlice slice = store.readStream("s-1", ReadStreamOptions.backwards().from(50).limit(2));

        assertThat(revisions(slice.events())).containsExactly(2L, 1L);
        assertThat(slice.next()).hasValue(0);
    }

    @Test
    void readMissingStreamThrowsStreamNotFound() {
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));

        Throwable thrown = catchThrowable(() -> store.readStream("s-2", ReadStreamOptions.forwards()));

        assertThat(thrown).isInstanceOf(StreamNotFoundException.class);
        assertThat(((StreamNotFoundException) thrown).stream()).isEqualTo("s-2");
        assertThat(((StrataException) thrown).code().wireName()).isEqualTo("stream_not_found");
        assertThatThrownBy(() -> store.readStream("s-2", ReadStreamOptions.backwards()))
                .isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void readStreamRejectsAnInvalidName() {
        assertInvalid(() -> store.readStream("", ReadStreamOptions.forwards()));
        assertInvalid(() -> store.readStream("s\n1", ReadStreamOptions.forwards()));
        assertInvalid(() -> store.readStream("x".repeat(1001), ReadStreamOptions.forwards()));
        assertInvalid(() -> track(store.subscribeToStream("", ReadStreamOptions.START, new CollectingListener())));
        assertInvalid(() -> track(store.subscribeToStream("s\u00001", ReadStreamOptions.START, new CollectingListener())));
    }

    // ------------------------------------------------------------------------------ reading $all

    @Test
    void readAllOfAnEmptyStoreIsEmpty() {
        AllSlice forwards = store.readAll(ReadAllOptions.forwards());
        AllSlice backwards = store.readAll(ReadAllOptions.backwards());

        assertThat(forwards.events()).isEmpty();
        assertThat(forwards.next()).isEmpty();
        assertThat(backwards.events()).isEmpty();
        assertThat(backwards.next()).isEmpty();
    }

    @Test
    void readAllForwardsInCommitOrder() {
        AppendResult a = store.append("a-1", ExpectedRevision.ANY, events(2, "A"));
        AppendResult b = store.append("b-1", ExpectedRevision.ANY, events(1, "B"));
        AppendResult c = store.append("a-1", ExpectedRevision.ANY, events(2, "A"));

        AllSlice slice = store.readAll(ReadAllOptions.forwards());

        assertThat(slice.events()).extracting(e -> e.stream() + "@" + e.revision())
                .containsExactly("a-1@0", "a-1@1", "b-1@0", "a-1@2", "a-1@3");
        assertThat(slice.events().get(0).position()).isEqualTo(a.firstPosition());
        assertThat(slice.events().get(2).position()).isEqualTo(b.firstPosition());
        assertThat(slice.events().get(4).position()).isEqualTo(c.lastPosition());
        assertStrictlyIncreasingPositions(slice.events());
        assertThat(slice.next()).isEmpty();
        if (positionsAreGapFree()) {
            assertThat(slice.events()).extracting(e -> e.position().value()).containsExactly(0L, 1L, 2L, 3L, 4L);
        }
    }

    @Test
    void readAllBackwardsFromEnd() {
        store.append("a-1", ExpectedRevision.ANY, events(2, "A"));
        store.append("b-1", ExpectedRevision.ANY, events(1, "B"));

        AllSlice slice = store.readAll(ReadAllOptions.backwards());

        assertThat(slice.events()).extracting(e -> e.stream() + "@" + e.revision())
                .containsExactly("b-1@0", "a-1@1", "a-1@0");
        assertThat(slice.next()).isEmpty();
    }

    @Test
    void readAllPagesWithNextInBothDirections() {
        for (int i = 0; i < 5; i++) {
            store.append("s-" + i, ExpectedRevision.ANY, events(5, "A"));
        }
        List<RecordedEvent> log = store.readAll(ReadAllOptions.forwards().limit(1000)).events();
        assertThat(log).hasSize(25);

        List<RecordedEvent> forwards = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        ReadAllOptions options = ReadAllOptions.forwards().limit(10);
        while (true) {
            AllSlice page = store.readAll(options);
            forwards.addAll(page.events());
            pageSizes.add(page.events().size());
            if (page.next().isEmpty()) {
                break;
            }
            assertThat(page.next().get()).isGreaterThan(page.events().get(page.events().size() - 1).position());
            options = options.from(page.next().get());
        }
        assertThat(forwards).isEqualTo(log);
        assertThat(pageSizes).containsExactly(10, 10, 5);

        List<RecordedEvent> backwards = new ArrayList<>();
        options = ReadAllOptions.backwards().limit(10);
        while (true) {
            AllSlice page = store.readAll(options);
            backwards.addAll(page.events());
            if (page.next().isEmpty()) {
                break;
            }
            assertThat(page.next().get()).isLessThan(page.events().get(page.events().size() - 1).position());
            options = options.from(page.next().get());
        }
        List<RecordedEvent> reversed = new ArrayList<>(log);
        Collections.reverse(reversed);
        assertThat(backwards).isEqualTo(reversed);
    }

    @Test
    void readAllFromAPositionIncludesIt() {
        for (int i = 0; i < 4; i++) {
            store.append("s-" + i, ExpectedRevision.ANY, events(2, "A"));
        }
        List<RecordedEvent> log = readAllEvents();
        Position third = log.get(3).position();

        AllSlice forwards = store.readAll(ReadAllOptions.forwards().from(third).limit(2));
        assertThat(forwards.events()).isEqualTo(log.subList(3, 5));
        assertThat(forwards.next()).contains(log.get(5).position());

        AllSlice backwards = store.readAll(ReadAllOptions.backwards().from(third).limit(2));
        assertThat(backwards.events()).containsExactly(log.get(3), log.get(2));
        assertThat(backwards.next()).contains(log.get(1).position());
    }

    @Test
    void readAllBeyondTheHead() {
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));
        List<RecordedEvent> log = readAllEvents();
        Position beyond = log.get(2).position().next();

        AllSlice forwards = store.readAll(ReadAllOptions.forwards().from(beyond));
        assertThat(forwards.events()).isEmpty();
        assertThat(forwards.next()).isEmpty();

        AllSlice backwards = store.readAll(ReadAllOptions.backwards().from(beyond.value() + 100).limit(2));
        assertThat(backwards.events()).containsExactly(log.get(2), log.get(1));
    }

    @Test
    void readAllFiltersByTypeCategoryAndPrefixAndNextSkipsScanned() {
        Map<String, Position> at = writeFilterFixture();
        EventFilter shippedOrCancelled = EventFilter.types("OrderShipped", "OrderCancelled");

        assertThat(names(readAllFiltered(shippedOrCancelled)))
                .containsExactly("order-1@1:OrderShipped", "order-1@2:OrderCancelled");
        assertThat(names(readAllFiltered(EventFilter.category("order"))))
                .containsExactly("order-1@0:OrderPlaced", "order-2@0:OrderPlaced", "order-1@1:OrderShipped",
                        "order-10@0:OrderPlaced", "order-1@2:OrderCancelled");
        assertThat(names(readAllFiltered(EventFilter.streamPrefix("order-1"))))
                .containsExactly("order-1@0:OrderPlaced", "order-1@1:OrderShipped", "order-10@0:OrderPlaced",
                        "order-1@2:OrderCancelled");
        assertThat(names(readAllFiltered(EventFilter.streamPrefix("order"))))
                .containsExactly("order-1@0:OrderPlaced", "order-2@0:OrderPlaced", "orders-1@0:OrderPlaced",
                        "orderline-1@0:LineAdded", "order-1@1:OrderShipped", "order-10@0:OrderPlaced",
                        "order-1@2:OrderCancelled");

        // The first page has to scan past seven events to find the one match; next then points past
        // what was scanned, never back at it.
        AllSlice first = store.readAll(ReadAllOptions.forwards().limit(1).filter(EventFilter.types("OrderCancelled")));
        assertThat(names(first.events())).containsExactly("order-1@2:OrderCancelled");
        assertThat(first.next()).hasValueSatisfying(next -> assertThat(next).isGreaterThan(at.get("order-1@2")));
        AllSlice rest = store.readAll(ReadAllOptions.forwards().limit(1).from(first.next().get())
                .filter(EventFilter.types("OrderCancelled")));
        assertThat(rest.events()).isEmpty();
        assertThat(rest.next()).as("the scan reached the end of the log").isEmpty();

        // Paging with limit 1 returns each match once, in order, and next always moves forward.
        EventFilter customers = EventFilter.types("CustomerCreated");
        List<RecordedEvent> paged = new ArrayList<>();
        ReadAllOptions options = ReadAllOptions.forwards().limit(1).filter(customers);
        for (int page = 0; ; page++) {
            assertThat(page).as("pages").isLessThan(20);
            AllSlice slice = store.readAll(options);
            paged.addAll(slice.events());
            if (slice.next().isEmpty()) {
                break;
            }
            Position scannedUpTo = slice.events().isEmpty() ? Position.of(options.from())
                    : slice.events().get(0).position();
            assertThat(slice.next().get()).isGreaterThan(scannedUpTo);
            options = options.from(slice.next().get());
        }
        assertThat(names(paged)).containsExactly("customer-1@0:CustomerCreated", "customer-2@0:CustomerCreated",
                "customer-2@1:CustomerCreated", "customer-2@2:CustomerCreated");

        AllSlice none = store.readAll(ReadAllOptions.forwards().limit(5).filter(EventFilter.types("NoSuchType")));
        assertThat(none.events()).isEmpty();
        assertThat(none.next()).isEmpty();
    }

    @Test
    void readAllFilterConditionsAllHold() {
        writeFilterFixture();

        assertThat(names(readAllFiltered(EventFilter.types("OrderPlaced").withCategory("order"))))
                .containsExactly("order-1@0:OrderPlaced", "order-2@0:OrderPlaced", "order-10@0:OrderPlaced");
        assertThat(names(readAllFiltered(EventFilter.types("OrderPlaced").withStreamPrefix("order-1"))))
                .containsExactly("order-1@0:OrderPlaced", "order-10@0:OrderPlaced");
        assertThat(names(readAllFiltered(EventFilter.category("customer").withStreamPrefix("customer-2")
                .withTypes(Set.of("CustomerCreated", "Other"))))).hasSize(3);
        assertThat(readAllFiltered(EventFilter.category("order").withStreamPrefix("customer"))).isEmpty();
    }

    @Test
    void readAllFilteredBackwardsSkipsScanned() {
        Map<String, Position> at = writeFilterFixture();
        EventFilter placed = EventFilter.types("OrderPlaced");

        AllSlice p1 = store.readAll(ReadAllOptions.backwards().limit(2).filter(placed));
        assertThat(names(p1.events())).containsExactly("order-10@0:OrderPlaced", "orders-1@0:OrderPlaced");
        assertThat(p1.next()).hasValueSatisfying(next -> assertThat(next).isLessThan(at.get("orders-1@0")));
        AllSlice p2 = store.readAll(ReadAllOptions.backwards().limit(2).from(p1.next().get()).filter(placed));
        assertThat(names(p2.events())).containsExactly("order-2@0:OrderPlaced", "order-1@0:OrderPlaced");
        assertThat(p2.next()).as("the scan reached the start of the log").isEmpty();
    }

    /**
     * order-1 OrderPlaced, order-2 OrderPlaced, orders-1 OrderPlaced, orderline-1 LineAdded,
     * order-1 OrderShipped, customer-1 CustomerCreated, order-10 OrderPlaced, order-1 OrderCancelled,
     * customer-2 CustomerCreated ×3; returns "stream@revision" → position.
     */
    private Map<String, Position> writeFilterFixture() {
        String[][] plan = {
                {"order-1", "OrderPlaced"}, {"order-2", "OrderPlaced"}, {"orders-1", "OrderPlaced"},
                {"orderline-1", "LineAdded"}, {"order-1", "OrderShipped"}, {"customer-1", "CustomerCreated"},
                {"order-10", "OrderPlaced"}, {"order-1", "OrderCancelled"},
        };
        Map<String, Position> at = new HashMap<>();
        for (String[] step : plan) {
            AppendResult r = store.append(step[0], ExpectedRevision.ANY, events(1, step[1]));
            at.put(step[0] + "@" + r.firstRevision(), r.firstPosition());
        }
        AppendResult r = store.append("customer-2", ExpectedRevision.ANY, events(3, "CustomerCreated"));
        at.put("customer-2@0", r.firstPosition());
        return at;
    }

    private List<RecordedEvent> readAllFiltered(EventFilter filter) {
        return store.readAll(ReadAllOptions.forwards().limit(1000).filter(filter)).events();
    }

    // -------------------------------------------------------------------------------------- as of

    @Test
    void asOfReadShowsTheStreamAsItWasKnown() {
        AppendResult first = store.append("s-1", ExpectedRevision.NO_STREAM, events(2, "A"));
        AppendResult second = appendLater(first, "s-1", ExpectedRevision.exactly(1), events(3, "B"));
        appendLater(second, "s-1", ExpectedRevision.exactly(4), events(1, "C"));

        StreamSlice then = store.readStream("s-1", ReadStreamOptions.forwards().asOf(first.recordedTime()));
        assertThat(revisions(then.events())).containsExactly(0L, 1L);
        assertThat(then.lastRevision()).isEqualTo(1);
        assertThat(then.next()).isEmpty();

        StreamSlice thenBackwards = store.readStream("s-1", ReadStreamOptions.backwards().asOf(first.recordedTime()));
        assertThat(revisions(thenBackwards.events())).containsExactly(1L, 0L);

        Instant between = first.recordedTime().plus(1, ChronoUnit.MICROS);
        assertThat(store.readStream("s-1", ReadStreamOptions.forwards().asOf(between)).lastRevision()).isEqualTo(1);

        StreamSlice later = store.readStream("s-1", ReadStreamOptions.forwards().asOf(second.recordedTime()));
        assertThat(revisions(later.events())).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(later.lastRevision()).isEqualTo(4);

        StreamSlice pagedThen = store.readStream("s-1", ReadStreamOptions.forwards().limit(1).asOf(first.recordedTime()));
        assertThat(pagedThen.next()).hasValue(1);
        StreamSlice fromBeyond = store.readStream("s-1", ReadStreamOptions.backwards().from(100).asOf(first.recordedTime()));
        assertThat(revisions(fromBeyond.events())).containsExactly(1L, 0L);

        assertThat(store.readStream("s-1", ReadStreamOptions.forwards().asOf(Instant.now().plusSeconds(60))).lastRevision())
                .isEqualTo(5);
    }

    @Test
    void asOfBeforeTheStreamExistedIsStreamNotFound() {
        AppendResult first = store.append("s-1", ExpectedRevision.NO_STREAM, events(1, "A"));
        appendLater(first, "s-2", ExpectedRevision.NO_STREAM, events(1, "A"));

        assertThatThrownBy(() -> store.readStream("s-1",
                ReadStreamOptions.forwards().asOf(first.recordedTime().minus(1, ChronoUnit.MICROS))))
                .isInstanceOf(StreamNotFoundException.class);
        assertThatThrownBy(() -> store.readStream("s-2", ReadStreamOptions.forwards().asOf(first.recordedTime())))
                .isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void asOfReadOfAllShowsTheLogAsItWasKnown() {
        AppendResult first = store.append("a-1", ExpectedRevision.ANY, events(2, "A"));
        AppendResult second = appendLater(first, "b-1", ExpectedRevision.ANY, events(2, "B"));
        appendLater(second, "a-1", ExpectedRevision.ANY, events(2, "A"));

        AllSlice then = store.readAll(ReadAllOptions.forwards().asOf(first.recordedTime()));
        assertThat(then.events()).extracting(e -> e.stream() + "@" + e.revision()).containsExactly("a-1@0", "a-1@1");
        assertThat(then.next()).isEmpty();

        AllSlice backwards = store.readAll(ReadAllOptions.backwards().asOf(second.recordedTime()));
        assertThat(backwards.events()).extracting(e -> e.stream() + "@" + e.revision())
                .containsExactly("b-1@1", "b-1@0", "a-1@1", "a-1@0");

        AllSlice filtered = store.readAll(ReadAllOptions.forwards().asOf(second.recordedTime()).filter(EventFilter.category("a")));
        assertThat(filtered.events()).extracting(e -> e.stream() + "@" + e.revision()).containsExactly("a-1@0", "a-1@1");

        AllSlice before = store.readAll(ReadAllOptions.forwards().asOf(first.recordedTime().minus(1, ChronoUnit.MICROS)));
        assertThat(before.events()).isEmpty();
    }

    /** Appends once the clock has moved past {@code previous}, so the two have different recorded times. */
    private AppendResult appendLater(AppendResult previous, String stream, ExpectedRevision expected, List<EventData> events) {
        Instant mark = previous.recordedTime().plusMillis(2);
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5))
                .until(() -> Instant.now().isAfter(mark));
        AppendResult r = store.append(stream, expected, events);
        assertThat(r.recordedTime()).isAfter(previous.recordedTime());
        return r;
    }

    // -------------------------------------------------------------------------------- idempotence

    @Test
    void idempotentRetryReturnsOriginalResult() {
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        List<EventData> batch = events(3, "B");
        AppendResult original = store.append("s-1", ExpectedRevision.ANY, batch);
        StoreInfo info = store.info();

        AppendResult retry = store.append("s-1", ExpectedRevision.ANY, batch);

        assertThat(retry).isEqualTo(original);
        assertThat(readWholeStream("s-1")).hasSize(4);
        assertThat(store.info().events()).isEqualTo(info.events());
        assertThat(store.info().headPosition()).isEqualTo(info.headPosition());
    }

    @Test
    void idempotentRetryWithAStaleExpectedRevisionReturnsOriginalResult() {
        List<EventData> batch = events(2, "A");
        AppendResult original = store.append("s-1", ExpectedRevision.NO_STREAM, batch);
        store.append("s-1", ExpectedRevision.exactly(1), events(2, "B"));

        assertThat(store.append("s-1", ExpectedRevision.NO_STREAM, batch)).isEqualTo(original);
        assertThat(store.append("s-1", ExpectedRevision.exactly(7), batch)).isEqualTo(original);
        assertThat(store.append("s-1", ExpectedRevision.EXISTS, batch)).isEqualTo(original);
        assertThat(readWholeStream("s-1")).hasSize(4);
    }

    @Test
    void idempotentRetryOfAnOlderBatchReturnsItsOriginalResult() {
        List<List<EventData>> batches = new ArrayList<>();
        List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batches.add(events(1 + i % 3, "A"));
            results.add(store.append(i % 2 == 0 ? "s-1" : "s-2", ExpectedRevision.ANY, batches.get(i)));
        }
        long events = store.info().events();

        for (int i = 4; i >= 0; i--) {
            assertThat(store.append(i % 2 == 0 ? "s-1" : "s-2", ExpectedRevision.ANY, batches.get(i))).isEqualTo(results.get(i));
        }
        assertThat(store.info().events()).isEqualTo(events);
    }

    @Test
    void partialIdOverlapIsIdempotencyConflict() {
        List<EventData> batch = events(3, "A");
        store.append("s-1", ExpectedRevision.ANY, batch);
        List<EventData> second = events(2, "A");
        store.append("s-1", ExpectedRevision.ANY, second);
        List<RecordedEvent> before = readAllEvents();

        List<List<EventData>> overlapping = List.of(
                batch.subList(0, 2),                                            // a prefix
                batch.subList(1, 3),                                            // a suffix
                concat(batch, events(1, "A")),                                  // more than the batch
                concat(events(1, "A"), batch.subList(2, 3)),                    // one old id, one new
                List.of(batch.get(2), batch.get(1), batch.get(0)),              // another order
                concat(batch, second),                                          // two batches as one
                List.of(batch.get(0), EventData.json("A", json(1))));           // with an id-less event

        for (List<EventData> attempt : overlapping) {
            Throwable thrown = catchThrowable(() -> store.append("s-1", ExpectedRevision.ANY, attempt));
            assertThat(thrown).as("append of %s (ids of the first batch %s, of the second %s) %s", attempt, ids(batch),
                    ids(second), thrown == null ? "succeeded" : "threw " + thrown)
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThat(((StrataException) thrown).code().wireName()).isEqualTo("idempotency_conflict");
            assertThat(((IdempotencyConflictException) thrown).stream()).isEqualTo("s-1");
        }
        assertThat(readAllEvents()).isEqualTo(before);
    }

    @Test
    void sameIdsToAnotherStreamAreConflict() {
        List<EventData> batch = events(2, "A");
        store.append("s-1", ExpectedRevision.ANY, batch);

        assertThatThrownBy(() -> store.append("s-2", ExpectedRevision.ANY, batch))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThatThrownBy(() -> store.append("s-2", ExpectedRevision.NO_STREAM, batch))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThatThrownBy(() -> store.readStream("s-2", ReadStreamOptions.forwards()))
                .isInstanceOf(StreamNotFoundException.class);
        assertThat(store.info().events()).isEqualTo(2);
    }

    @Test
    void exactExpectedRevisionRetryIsIdempotentForever() {
        EventStore small;
        try {
            small = track(openStoreWithDedupWindowEvents(10));
        } catch (UnsupportedOperationException e) {
            abort("the engine's dedup window cannot be set: " + e.getMessage());
            return;
        }
        small.append("s-1", ExpectedRevision.NO_STREAM, events(1, "A"));
        List<EventData> batch = events(3, "B");
        AppendResult original = small.append("s-1", ExpectedRevision.exactly(0), batch);
        // Push the batch far out of the dedup window, with events in its stream and elsewhere.
        small.append("s-1", ExpectedRevision.exactly(3), events(5, "D"));
        for (int i = 0; i < 20; i++) {
            small.append("filler-" + i, ExpectedRevision.ANY, events(5, "F"));
        }
        long events = small.info().events();

        assertThat(small.append("s-1", ExpectedRevision.exactly(0), batch)).isEqualTo(original);
        assertThat(small.info().events()).isEqualTo(events);
        assertThat(small.readStream("s-1", ReadStreamOptions.forwards()).lastRevision()).isEqualTo(8);
        // Within the window the rule holds whatever the expected revision; this one was recent.
        List<EventData> recent = events(1, "E");
        AppendResult recentResult = small.append("s-3", ExpectedRevision.ANY, recent);
        assertThat(small.append("s-3", ExpectedRevision.ANY, recent)).isEqualTo(recentResult);
    }

    @Test
    void concurrentRetriesOfOneBatchWriteItOnce() throws Exception {
        int threads = 4;
        for (int round = 0; round < 20; round++) {
            List<EventData> batch = events(3, "A");
            CyclicBarrier barrier = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<AppendResult>> futures = new ArrayList<>();
            try {
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        barrier.await();
                        return store.append("retried-1", ExpectedRevision.ANY, batch);
                    }));
                }
                Set<AppendResult> answers = new HashSet<>();
                for (Future<AppendResult> f : futures) {
                    answers.add(f.get(30, SECONDS));
                }
                assertThat(answers).as("answers to one batch sent %d times at once", threads).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
        List<RecordedEvent> stream = readWholeStream("retried-1");
        assertThat(stream).hasSize(60);
        assertThat(stream).extracting(RecordedEvent::id).doesNotHaveDuplicates();
    }

    // ------------------------------------------------------------------------------------ validity

    @Test
    void emptyBatchIsInvalid() {
        assertInvalid(() -> store.append("s-1", ExpectedRevision.ANY, List.of()));
        assertThat(store.info().events()).isZero();
        assertThat(store.info().streams()).isZero();
    }

    @Test
    void invalidStreamNameIsRejected() {
        List<String> invalid = List.of("", "order\n1", "order\t1", "\u0000", "order-\u007f", "order-\u009f",
                "x".repeat(1001), "é".repeat(500) + "x", "€".repeat(334), "$all", "$system-1", "$");
        for (String name : invalid) {
            assertInvalid(() -> store.append(name, ExpectedRevision.ANY, events(1, "A")));
        }
        assertThat(store.info().events()).isZero();
        assertThat(readAllEvents()).isEmpty();
    }

    @Test
    void streamNameUpToTheLimitIsAccepted() {
        String longest = "é".repeat(500); // 1,000 UTF-8 bytes
        store.append(longest, ExpectedRevision.ANY, events(1, "A"));
        store.append("x".repeat(1000), ExpectedRevision.ANY, events(1, "A"));

        assertThat(store.readStream(longest, ReadStreamOptions.forwards()).events()).hasSize(1);
        assertThat(store.readStream("x".repeat(1000), ReadStreamOptions.forwards()).stream()).isEqualTo("x".repeat(1000));
    }

    @Test
    void invalidTypeIsRejected() {
        List<String> invalid = List.of("", "Order\nPlaced", "\u0001", "t".repeat(257), "é".repeat(129));
        for (String type : invalid) {
            assertInvalid(() -> store.append("s-1", ExpectedRevision.ANY, List.of(event(type))));
            // One bad type spoils the whole batch.
            assertInvalid(() -> store.append("s-1", ExpectedRevision.ANY, List.of(event("Good"), event(type))));
        }
        assertThat(store.info().events()).isZero();

        store.append("s-1", ExpectedRevision.ANY, List.of(event("t".repeat(256)), event("é".repeat(128))));
        assertThat(readWholeStream("s-1")).extracting(RecordedEvent::type).containsExactly("t".repeat(256), "é".repeat(128));
    }

    @Test
    void oversizedEventIsTooLargeAndWritesNothing() {
        int limit = maxEventBytes();
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        StoreInfo before = store.info();

        List<EventData> overData = List.of(event("A"), sized("A", limit + 1, 0));
        List<EventData> overTogether = List.of(sized("A", limit / 2, limit - limit / 2 + 1));
        for (List<EventData> batch : List.of(overData, overTogether)) {
            Throwable thrown = catchThrowable(() -> store.append("s-1", ExpectedRevision.ANY, batch));
            assertThat(thrown).isInstanceOf(TooLargeException.class);
            assertThat(((TooLargeException) thrown).code().wireName()).isEqualTo("too_large");
            assertThat(((TooLargeException) thrown).limit()).isEqualTo(limit);
        }

        assertThat(store.info().events()).isEqualTo(before.events());
        assertThat(readWholeStream("s-1")).hasSize(1);
    }

    @Test
    void eventAtTheSizeLimitIsAccepted() {
        int limit = maxEventBytes();
        EventData atLimit = sized("A", limit - 64, 64);
        EventData dataOnly = sized("A", limit, 0);

        store.append("s-1", ExpectedRevision.ANY, List.of(atLimit, dataOnly));

        List<RecordedEvent> read = readWholeStream("s-1");
        assertThat(read.get(0).data()).isEqualTo(atLimit.data());
        assertThat(read.get(0).metadata()).isEqualTo(atLimit.metadata());
        assertThat(read.get(1).data()).hasSize(limit);
    }

    @Test
    void tooManyEventsInOneAppendIsTooLarge() {
        int max = maxEventsPerAppend();

        Throwable thrown = catchThrowable(() -> store.append("s-1", ExpectedRevision.ANY, events(max + 1, "A")));

        assertThat(thrown).isInstanceOf(TooLargeException.class);
        assertThat(((TooLargeException) thrown).limit()).isEqualTo(max);
        assertThat(store.info().events()).isZero();
        assertThat(store.append("s-1", ExpectedRevision.ANY, events(max, "A")).lastRevision()).isEqualTo(max - 1);
    }

    // ------------------------------------------------------------------------------ what round-trips

    @Test
    void validTimeAndMetadataRoundTrip() {
        Instant validTime = Instant.parse("2026-11-01T00:00:00.123456Z");
        byte[] metadata = "{\"correlationId\":\"c-1\",\"causationId\":\"c-0\"}".getBytes(UTF_8);
        EventData withBoth = EventData.builder("OrderPlaced").id(UUID.randomUUID()).data(json(42))
                .metadata(metadata).validTime(validTime).build();
        EventData withNeither = event("OrderShipped");

        store.append("order-1", ExpectedRevision.ANY, List.of(withBoth, withNeither));

        List<RecordedEvent> read = readWholeStream("order-1");
        RecordedEvent both = read.get(0);
        assertThat(both.id()).isEqualTo(withBoth.id().orElseThrow());
        assertThat(both.type()).isEqualTo("OrderPlaced");
        assertThat(both.data()).isEqualTo(json(42));
        assertThat(both.metadata()).isEqualTo(metadata);
        assertThat(both.hasMetadata()).isTrue();
        assertThat(both.validTime()).contains(validTime);
        assertThat(both.contentType()).isEqualTo(EventData.JSON);
        assertThat(both.isJson()).isTrue();
        RecordedEvent neither = read.get(1);
        assertThat(neither.validTime()).isEmpty();
        assertThat(neither.hasMetadata()).isFalse();
        assertThat(neither.metadata()).isEmpty();
        assertThat(readAllEvents()).isEqualTo(read);
    }

    @Test
    void nonJsonContentTypeRoundTrips() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        EventData octets = EventData.builder("Blob").id(UUID.randomUUID()).data(binary)
                .contentType("application/octet-stream").build();
        EventData text = EventData.builder("Note").id(UUID.randomUUID()).data("héllo, not json".getBytes(UTF_8))
                .contentType("text/plain; charset=utf-8").build();
        EventData empty = EventData.builder("Nothing").id(UUID.randomUUID()).data(new byte[0])
                .contentType("application/octet-stream").build();

        store.append("blob-1", ExpectedRevision.ANY, List.of(octets, text, empty));

        List<RecordedEvent> read = readWholeStream("blob-1");
        assertThat(read.get(0).data()).isEqualTo(binary);
        assertThat(read.get(0).contentType()).isEqualTo("application/octet-stream");
        assertThat(read.get(0).isJson()).isFalse();
        assertThat(read.get(1).data()).isEqualTo("héllo, not json".getBytes(UTF_8));
        assertThat(read.get(1).contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(read.get(2).data()).isEmpty();
    }

    @Test
    void unusualButValidNamesRoundTrip() {
        List<String> streams = List.of("café-日本-ß", "order 42", "a/b?c=d&e%20f", "emoji-\uD83D\uDE00", "-leading-dash");
        for (String stream : streams) {
            store.append(stream, ExpectedRevision.NO_STREAM, List.of(event("Événement✓"), event("type with spaces")));
        }

        for (String stream : streams) {
            assertThat(readWholeStream(stream)).extracting(RecordedEvent::stream).containsOnly(stream);
            assertThat(readWholeStream(stream)).extracting(RecordedEvent::type)
                    .containsExactly("Événement✓", "type with spaces");
        }
        assertThat(readAllFiltered(EventFilter.category("café"))).hasSize(2);
        assertThat(readAllFiltered(EventFilter.types("Événement✓"))).hasSize(streams.size());
    }

    // ------------------------------------------------------------------------------- subscriptions

    @Test
    void subscriptionDeliversHistoryThenCaughtUpThenLive() {
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));
        CollectingListener listener = new CollectingListener();

        Subscription subscription = track(store.subscribeToStream("s-1", ReadStreamOptions.START, listener));
        listener.awaitCaughtUp();
        assertThat(listener.caughtUpAt()).as("events before onCaughtUp").isEqualTo(3);
        store.append("s-1", ExpectedRevision.ANY, events(2, "B"));
        listener.awaitEvents(5);

        assertThat(listener.revisions()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(listener.events()).isEqualTo(readWholeStream("s-1"));
        assertThat(listener.caughtUpCalls()).isEqualTo(1);
        assertThat(listener.violations()).isEmpty();
        assertThat(subscription.isActive()).isTrue();
    }

    @Test
    void subscriptionToAnEmptyHistoryCatchesUpAtOnce() {
        CollectingListener toStream = new CollectingListener();
        CollectingListener toAll = new CollectingListener();

        track(store.subscribeToStream("s-1", ReadStreamOptions.START, toStream));
        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, toAll));

        toStream.awaitCaughtUp();
        toAll.awaitCaughtUp();
        assertThat(toStream.caughtUpAt()).isZero();
        assertThat(toAll.caughtUpAt()).isZero();
    }

    @Test
    void subscriptionToAStreamThatDoesNotExistYetWaitsForIt() {
        CollectingListener listener = new CollectingListener();
        track(store.subscribeToStream("later-1", ReadStreamOptions.START, listener));
        listener.awaitCaughtUp();

        store.append("other-1", ExpectedRevision.ANY, events(2, "A"));
        store.append("later-1", ExpectedRevision.NO_STREAM, events(2, "A"));

        listener.awaitEvents(2);
        assertThat(listener.events()).isEqualTo(readWholeStream("later-1"));
        assertThat(listener.violations()).isEmpty();
    }

    @Test
    void subscriptionFromARevisionStartsThere() {
        store.append("s-1", ExpectedRevision.ANY, events(5, "A"));
        CollectingListener listener = new CollectingListener();

        track(store.subscribeToStream("s-1", 3, listener));
        listener.awaitCaughtUp();
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        listener.awaitEvents(3);

        assertThat(listener.revisions()).containsExactly(3L, 4L, 5L);
        assertThat(listener.caughtUpAt()).isEqualTo(2);
    }

    @Test
    void subscriptionFromAFutureRevisionWaitsForIt() {
        store.append("s-1", ExpectedRevision.ANY, events(2, "A"));
        CollectingListener listener = new CollectingListener();

        track(store.subscribeToStream("s-1", 4, listener));
        listener.awaitCaughtUp();
        store.append("s-1", ExpectedRevision.ANY, events(4, "A"));
        listener.awaitEvents(2);

        assertThat(listener.revisions()).containsExactly(4L, 5L);
        assertThat(listener.caughtUpAt()).isZero();
    }

    @Test
    void subscriptionToAStreamDeliversOnlyThatStream() {
        store.append("s-1", ExpectedRevision.ANY, events(2, "A"));
        store.append("s-10", ExpectedRevision.ANY, events(2, "A"));
        CollectingListener listener = new CollectingListener();

        track(store.subscribeToStream("s-1", ReadStreamOptions.START, listener));
        listener.awaitCaughtUp();
        store.append("s-2", ExpectedRevision.ANY, events(2, "A"));
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        listener.awaitEvents(3);
        store.append("s-10", ExpectedRevision.ANY, events(1, "A"));
        CollectingListener control = new CollectingListener();
        track(store.subscribeToStream("s-10", ReadStreamOptions.START, control));
        control.awaitEvents(3);

        assertThat(listener.events()).extracting(RecordedEvent::stream).containsOnly("s-1");
        assertThat(listener.revisions()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void subscriptionHasNoGapOrDuplicateUnderConcurrentAppends() throws Exception {
        for (int i = 0; i < 60; i++) {
            store.append("history-" + (i % 4), ExpectedRevision.ANY, events(5, "H"));
        }
        int writers = 3;
        int appendsPerWriter = 150;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicInteger appended = new AtomicInteger();
        List<CollectingListener> listeners = new ArrayList<>();
        List<Long> headsAtSubscribe = new ArrayList<>();
        List<Long> startPositions = new ArrayList<>();
        CollectingListener filtered = new CollectingListener();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String stream = "live-" + w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < appendsPerWriter; i++) {
                        store.append(stream, ExpectedRevision.ANY, events(1 + i % 3, "L"));
                        appended.incrementAndGet();
                    }
                    return null;
                }));
            }
            // Subscribe at different moments while the writers run, each from somewhere in history,
            // so that each one switches from history to live with appends racing the switch.
            await().atMost(Duration.ofSeconds(30)).until(() -> appended.get() >= 30 || futures.stream().allMatch(Future::isDone));
            track(store.subscribeToAll(ReadAllOptions.START, EventFilter.streamPrefix("live-1"), filtered));
            for (int s = 0; s < 4; s++) {
                int target = (s + 1) * appendsPerWriter * writers / 6;
                await().atMost(Duration.ofSeconds(30)).until(() -> appended.get() >= target || futures.stream().allMatch(Future::isDone));
                long head = store.info().headPosition().map(Position::value).orElse(-1L);
                List<RecordedEvent> log = store.readAll(ReadAllOptions.forwards().limit(1000)).events();
                long from = s == 0 ? ReadAllOptions.START : log.get(log.size() / (s + 1)).position().value();
                CollectingListener listener = new CollectingListener();
                track(store.subscribeToAll(from, EventFilter.ALL, listener));
                listeners.add(listener);
                headsAtSubscribe.add(head);
                startPositions.add(from);
            }
            for (Future<?> f : futures) {
                f.get(60, SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<RecordedEvent> log = readAllEvents();
        List<RecordedEvent> live1 = log.stream().filter(e -> e.stream().equals("live-1")).toList();
        assertThat(filtered.awaitEvents(live1.size()).ids()).as("filtered subscription")
                .containsExactlyElementsOf(live1.stream().map(RecordedEvent::id).toList());
        assertThat(filtered.caughtUpCalls()).isEqualTo(1);
        for (int s = 0; s < listeners.size(); s++) {
            long from = startPositions.get(s);
            List<RecordedEvent> expected = log.stream().filter(e -> e.position().value() >= from).toList();
            CollectingListener listener = listeners.get(s).awaitEvents(expected.size());
            assertThat(listener.ids()).as("subscription %d from %d: same events as the log, in order", s, from)
                    .containsExactlyElementsOf(expected.stream().map(RecordedEvent::id).toList());
            assertThat(listener.caughtUpCalls()).isEqualTo(1);
            long head = headsAtSubscribe.get(s);
            long history = expected.stream().filter(e -> e.position().value() <= head).count();
            assertThat((long) listener.caughtUpAt()).as("events before onCaughtUp, subscription %d", s)
                    .isGreaterThanOrEqualTo(history);
            assertThat(listener.violations()).isEmpty();
        }
    }

    @Test
    void streamSubscriptionHasNoGapOrDuplicateUnderConcurrentAppends() throws Exception {
        store.append("hot-1", ExpectedRevision.ANY, events(100, "H"));
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 120; i++) {
                    store.append(writer == 0 ? "cold-1" : "hot-1", ExpectedRevision.ANY, events(1 + i % 2, "L"));
                }
            }));
        }
        List<CollectingListener> listeners = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            CollectingListener listener = new CollectingListener();
            track(store.subscribeToStream("hot-1", s * 40L, listener));
            listeners.add(listener);
            Thread.sleep(5);
        }
        for (Thread t : writers) {
            t.join();
        }

        List<RecordedEvent> stream = readWholeStream("hot-1");
        for (int s = 0; s < listeners.size(); s++) {
            List<RecordedEvent> expected = stream.subList(s * 40, stream.size());
            CollectingListener listener = listeners.get(s).awaitEvents(expected.size());
            assertThat(listener.revisions()).as("subscription from %d", s * 40)
                    .containsExactlyElementsOf(LongStream.range(s * 40L, stream.size()).boxed().toList());
            assertThat(listener.events()).isEqualTo(expected);
            assertThat(listener.caughtUpCalls()).isEqualTo(1);
            assertThat(listener.violations()).isEmpty();
        }
    }

    /**
     * Listeners that take live events without blocking ({@link NonBlockingListener}) may be handed them on
     * another path than their history (an embedded store's shared delivery thread), and may refuse some,
     * which then come through {@code onEvent}: every promise holds whichever path each event took.
     */
    @Test
    void nonBlockingListenersHaveNoGapOrDuplicateUnderConcurrentAppends() throws Exception {
        store.append("hot-1", ExpectedRevision.ANY, events(50, "H"));
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            String stream = w == 0 ? "cold-1" : "hot-1";
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 120; i++) {
                    store.append(stream, ExpectedRevision.ANY, events(1 + i % 2, "L"));
                }
            }));
        }
        OfferingListener all = OfferingListener.takingAll();
        OfferingListener everyThirdRefused = OfferingListener.refusingEvery(3);
        OfferingListener runsRefused = new OfferingListener(offer -> offer % 40 >= 10); // 30 in a row, then 10 taken
        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, all));
        Thread.sleep(5);
        track(store.subscribeToStream("hot-1", 20, everyThirdRefused));
        Thread.sleep(5);
        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.streamPrefix("hot-"), runsRefused));
        for (Thread t : writers) {
            t.join();
        }

        List<RecordedEvent> log = readAllEvents();
        List<RecordedEvent> hot = readWholeStream("hot-1");
        Map<OfferingListener, List<RecordedEvent>> expected = Map.of(
                all, log, everyThirdRefused, hot.subList(20, hot.size()), runsRefused, hot);
        for (Map.Entry<OfferingListener, List<RecordedEvent>> e : expected.entrySet()) {
            CollectingListener collected = e.getKey().collected().awaitEvents(e.getValue().size());
            assertThat(collected.ids()).as("%s: the log's events, in order, once each", e.getKey())
                    .containsExactlyElementsOf(e.getValue().stream().map(RecordedEvent::id).toList());
            assertThat(collected.caughtUpCalls()).isEqualTo(1);
            assertThat(collected.violations()).as("%s", e.getKey()).isEmpty();
        }
    }

    @Test
    void subscribeToAllWithFilter() {
        writeFilterFixture();
        CollectingListener placed = new CollectingListener();
        CollectingListener customers = new CollectingListener();
        CollectingListener prefixed = new CollectingListener();

        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.types("OrderPlaced"), placed));
        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.category("customer"), customers));
        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.streamPrefix("order-1"), prefixed));
        placed.awaitCaughtUp();
        customers.awaitCaughtUp();
        prefixed.awaitCaughtUp();
        store.append("order-3", ExpectedRevision.ANY, events(1, "OrderPlaced"));
        store.append("customer-3", ExpectedRevision.ANY, events(1, "CustomerCreated"));
        store.append("order-11", ExpectedRevision.ANY, events(1, "OrderShipped"));

        assertThat(names(placed.awaitEvents(5).events())).containsExactly("order-1@0:OrderPlaced",
                "order-2@0:OrderPlaced", "orders-1@0:OrderPlaced", "order-10@0:OrderPlaced", "order-3@0:OrderPlaced");
        assertThat(placed.caughtUpAt()).isEqualTo(4);
        assertThat(names(customers.awaitEvents(5).events())).containsExactly("customer-1@0:CustomerCreated",
                "customer-2@0:CustomerCreated", "customer-2@1:CustomerCreated", "customer-2@2:CustomerCreated",
                "customer-3@0:CustomerCreated");
        assertThat(names(prefixed.awaitEvents(5).events())).containsExactly("order-1@0:OrderPlaced",
                "order-1@1:OrderShipped", "order-10@0:OrderPlaced", "order-1@2:OrderCancelled", "order-11@0:OrderShipped");
        assertThat(placed.violations()).isEmpty();
        assertThat(customers.violations()).isEmpty();
        assertThat(prefixed.violations()).isEmpty();
    }

    @Test
    void subscribeToAllFromAPositionIncludesIt() {
        store.append("a-1", ExpectedRevision.ANY, events(3, "A"));
        AppendResult b = store.append("b-1", ExpectedRevision.ANY, events(3, "B"));
        CollectingListener listener = new CollectingListener();

        track(store.subscribeToAll(b.firstPosition().value(), EventFilter.ALL, listener));
        listener.awaitCaughtUp();
        store.append("c-1", ExpectedRevision.ANY, events(1, "C"));
        listener.awaitEvents(4);

        assertThat(listener.events()).extracting(e -> e.stream() + "@" + e.revision())
                .containsExactly("b-1@0", "b-1@1", "b-1@2", "c-1@0");
        assertThat(listener.caughtUpAt()).isEqualTo(3);
    }

    @Test
    void subscribeFromEndDeliversOnlyLive() {
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));
        CollectingListener toStream = new CollectingListener();
        CollectingListener toAll = new CollectingListener();

        track(store.subscribeToStream("s-1", ReadStreamOptions.END, toStream));
        track(store.subscribeToAll(ReadAllOptions.END, EventFilter.ALL, toAll));
        toStream.awaitCaughtUp();
        toAll.awaitCaughtUp();
        store.append("s-2", ExpectedRevision.ANY, events(1, "A"));
        store.append("s-1", ExpectedRevision.ANY, events(2, "A"));

        assertThat(toStream.awaitEvents(2).revisions()).containsExactly(3L, 4L);
        assertThat(toAll.awaitEvents(3).events()).extracting(e -> e.stream() + "@" + e.revision())
                .containsExactly("s-2@0", "s-1@3", "s-1@4");
        assertThat(toStream.caughtUpAt()).isZero();
        assertThat(toAll.caughtUpAt()).isZero();
    }

    @Test
    void subscribeFromEndSeesAppendsMadeRightAfterSubscribeReturns() {
        for (int round = 0; round < 20; round++) {
            store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
            CollectingListener toStream = new CollectingListener();
            CollectingListener toAll = new CollectingListener();
            Subscription a = track(store.subscribeToStream("s-1", ReadStreamOptions.END, toStream));
            Subscription b = track(store.subscribeToAll(ReadAllOptions.END, EventFilter.ALL, toAll));
            AppendResult r = store.append("s-1", ExpectedRevision.ANY, events(1, "B"));

            assertThat(toStream.awaitEvents(1).revisions()).containsExactly(r.firstRevision());
            assertThat(toAll.awaitEvents(1).positions()).containsExactly(r.firstPosition().value());
            a.close();
            b.close();
        }
    }

    @Test
    void closedSubscriptionStopsDelivering() {
        store.append("s-1", ExpectedRevision.ANY, events(2, "A"));
        CollectingListener closed = new CollectingListener();
        Subscription subscription = track(store.subscribeToStream("s-1", ReadStreamOptions.START, closed));
        CollectingListener closedAll = new CollectingListener();
        Subscription subscriptionAll = track(store.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, closedAll));
        closed.awaitCaughtUp();
        closedAll.awaitCaughtUp();

        subscription.close();
        subscriptionAll.close();
        assertThat(subscription.isActive()).isFalse();
        assertThat(subscriptionAll.isActive()).isFalse();
        int seen = closed.size();
        int seenAll = closedAll.size();
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));
        // A subscription opened after the append has seen it; the closed ones must not, even later.
        CollectingListener control = new CollectingListener();
        track(store.subscribeToStream("s-1", ReadStreamOptions.START, control));
        control.awaitEvents(5);
        sleep(200);

        assertThat(closed.size()).isEqualTo(seen);
        assertThat(closedAll.size()).isEqualTo(seenAll);
        assertThat(closed.violations()).isEmpty();
        subscription.close(); // closing twice is harmless
    }

    @Test
    void subscriptionCanBeClosedFromItsListener() {
        store.append("s-1", ExpectedRevision.ANY, events(5, "A"));
        AtomicInteger calls = new AtomicInteger();
        Subscription[] self = new Subscription[1];
        CountDownLatch subscribed = new CountDownLatch(1);
        CollectingListener listener = new CollectingListener(e -> {
            calls.incrementAndGet();
            try {
                subscribed.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            if (e.revision() == 1) {
                self[0].close();
            }
        });

        self[0] = track(store.subscribeToStream("s-1", ReadStreamOptions.START, listener));
        subscribed.countDown();
        await().atMost(CollectingListener.TIMEOUT).until(() -> !self[0].isActive());
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        sleep(200);

        assertThat(listener.revisions()).containsExactly(0L, 1L);
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void listenerThatThrowsEndsItsSubscriptionWithOnError() {
        store.append("s-1", ExpectedRevision.ANY, events(5, "A"));
        IllegalStateException boom = new IllegalStateException("boom");
        CollectingListener listener = new CollectingListener(e -> {
            if (e.revision() == 2) {
                throw boom;
            }
        });

        Subscription subscription = track(store.subscribeToStream("s-1", ReadStreamOptions.START, listener));
        listener.awaitError();
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        sleep(200);

        assertThat(listener.error()).isSameAs(boom);
        assertThat(listener.revisions()).containsExactly(0L, 1L, 2L);
        assertThat(subscription.isActive()).isFalse();
        assertThat(listener.violations()).isEmpty();
    }

    @Test
    void listenerMayAppendToTheStore() {
        // A process manager: reacts to each event of one stream by appending to another, on the
        // subscription's own thread.
        CollectingListener reactor = new CollectingListener(e -> store.append("out-1",
                e.revision() == 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(e.revision() - 1),
                List.of(event("Reacted"))));
        track(store.subscribeToStream("in-1", ReadStreamOptions.START, reactor));

        for (int i = 0; i < 20; i++) {
            store.append("in-1", ExpectedRevision.ANY, events(1, "A"));
        }

        reactor.awaitEvents(20);
        await().atMost(CollectingListener.TIMEOUT).until(() -> {
            try {
                return store.readStream("out-1", ReadStreamOptions.backwards().limit(1)).lastRevision() == 19;
            } catch (StreamNotFoundException e) {
                return false;
            }
        });
        assertThat(reactor.error()).isNull();
        assertThat(reactor.violations()).isEmpty();
    }

    @Test
    void aBlockedListenerBlocksNeitherAppendsNorOtherSubscriptions() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CollectingListener blocked = new CollectingListener(e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        CollectingListener free = new CollectingListener();
        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, blocked));
        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, free));
        try {
            CompletableFuture<Void> appends = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 200; i++) {
                    store.append("s-" + (i % 5), ExpectedRevision.ANY, events(1, "A"));
                }
            });
            appends.get(30, SECONDS);
            free.awaitEvents(200);
            assertThat(blocked.size()).isLessThanOrEqualTo(1);
        } finally {
            release.countDown();
        }

        assertThat(blocked.awaitEvents(200).ids()).isEqualTo(free.ids());
        assertThat(blocked.events()).extracting(RecordedEvent::id)
                .containsExactlyElementsOf(readAllEvents().stream().map(RecordedEvent::id).toList());
        assertThat(blocked.violations()).isEmpty();
    }

    @Test
    void closingTheStoreEndsItsSubscriptions() {
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        CollectingListener listener = new CollectingListener();
        Subscription subscription = store.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, listener);
        listener.awaitCaughtUp();

        closeStore(store);

        await().atMost(CollectingListener.TIMEOUT).until(() -> !subscription.isActive());
        assertThat(listener.violations()).isEmpty();
    }

    // ---------------------------------------------------------------------------------- operations

    @Test
    void infoCountsStreamsAndEvents() {
        StoreInfo empty = store.info();
        assertThat(empty.streams()).isZero();
        assertThat(empty.events()).isZero();
        assertThat(empty.headPosition()).isEmpty();

        store.append("a-1", ExpectedRevision.ANY, events(3, "A"));
        List<EventData> batch = events(2, "B");
        AppendResult last = store.append("b-1", ExpectedRevision.ANY, batch);
        store.append("b-1", ExpectedRevision.ANY, batch); // a retry writes nothing
        catchThrowable(() -> store.append("c-1", ExpectedRevision.EXISTS, events(1, "C")));

        StoreInfo info = store.info();
        assertThat(info.streams()).isEqualTo(2);
        assertThat(info.events()).isEqualTo(5);
        assertThat(info.headPosition()).contains(last.lastPosition());
    }

    @Test
    void infoDescribesTheStore() {
        StoreInfo info = store.info();

        assertThat(info.version()).isNotBlank();
        assertThat(info.engine()).isNotBlank();
        assertThat(info.durability()).isNotNull();
        assertThat(info.startedAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(info.dedupWindow()).isPositive();
        assertThat(info.dedupWindowEvents()).isPositive();
    }

    @Test
    void appendAfterCloseIsUnavailable() {
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        EventStore closed = store;
        closeStore(closed);

        Throwable thrown = catchThrowable(() -> closed.append("s-1", ExpectedRevision.ANY, events(1, "A")));
        assertThat(thrown).isInstanceOf(StoreUnavailableException.class);
        assertThat(((StrataException) thrown).code().wireName()).isEqualTo("unavailable");
    }

    @Test
    void closeIsIdempotent() {
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));
        EventStore closed = store;
        closeStore(closed);

        closed.close();
    }

    // ------------------------------------------------------------------------------------ restarts

    @Test
    void eventsSurviveReopen() {
        store.append("a-1", ExpectedRevision.ANY, events(3, "A"));
        store.append("b-1", ExpectedRevision.ANY, List.of(EventData.builder("B").id(UUID.randomUUID()).data(json(1))
                .metadata("{\"m\":1}".getBytes(UTF_8)).validTime(Instant.parse("2020-01-01T00:00:00Z")).build()));
        store.append("c-1", ExpectedRevision.ANY, List.of(EventData.builder("C").id(UUID.randomUUID())
                .data(new byte[] {0, 1, 2}).contentType("application/octet-stream").build()));
        List<RecordedEvent> before = readAllEvents();

        restart();

        assertThat(readAllEvents()).isEqualTo(before);
        assertThat(readWholeStream("a-1")).isEqualTo(before.subList(0, 3));
    }

    @Test
    void idempotentRetrySurvivesReopen() {
        List<EventData> batch = events(3, "A");
        AppendResult original = store.append("s-1", ExpectedRevision.ANY, batch);
        store.append("s-1", ExpectedRevision.ANY, events(1, "B"));

        restart();

        assertThat(store.append("s-1", ExpectedRevision.ANY, batch)).isEqualTo(original);
        assertThat(store.append("s-1", ExpectedRevision.NO_STREAM, batch)).isEqualTo(original);
        assertThatThrownBy(() -> store.append("s-1", ExpectedRevision.ANY, batch.subList(0, 2)))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThatThrownBy(() -> store.append("s-2", ExpectedRevision.ANY, batch))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThat(readWholeStream("s-1")).hasSize(4);
    }

    @Test
    void revisionsAndPositionsContinueAfterReopen() {
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));
        AppendResult last = store.append("s-2", ExpectedRevision.ANY, events(2, "A"));

        restart();
        AppendResult next = store.append("s-1", ExpectedRevision.exactly(2), events(1, "A"));

        assertThat(next.firstRevision()).isEqualTo(3);
        assertThat(next.firstPosition()).isGreaterThan(last.lastPosition());
        if (positionsAreGapFree()) {
            assertThat(next.firstPosition()).isEqualTo(last.lastPosition().next());
        }
        assertThat(next.recordedTime()).isAfterOrEqualTo(last.recordedTime());
        assertStrictlyIncreasingPositions(readAllEvents());
    }

    @Test
    void expectedRevisionIsCheckedAfterReopen() {
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));

        restart();

        assertWrongExpectedRevision(() -> store.append("s-1", ExpectedRevision.NO_STREAM, events(1, "A")),
                "s-1", ExpectedRevision.NO_STREAM, OptionalLong.of(2));
        assertWrongExpectedRevision(() -> store.append("s-2", ExpectedRevision.EXISTS, events(1, "A")),
                "s-2", ExpectedRevision.EXISTS, OptionalLong.empty());
    }

    @Test
    void infoAndAsOfSurviveReopen() {
        AppendResult first = store.append("s-1", ExpectedRevision.ANY, events(2, "A"));
        appendLater(first, "s-2", ExpectedRevision.ANY, events(3, "A"));
        StoreInfo before = store.info();

        restart();

        StoreInfo after = store.info();
        assertThat(after.streams()).isEqualTo(before.streams());
        assertThat(after.events()).isEqualTo(before.events());
        assertThat(after.headPosition()).isEqualTo(before.headPosition());
        assertThat(store.readAll(ReadAllOptions.forwards().asOf(first.recordedTime())).events()).hasSize(2);
        assertThatThrownBy(() -> store.readStream("s-2", ReadStreamOptions.forwards().asOf(first.recordedTime())))
                .isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void subscriptionAfterReopenDeliversHistoryThenLive() {
        store.append("s-1", ExpectedRevision.ANY, events(3, "A"));
        restart();
        CollectingListener listener = new CollectingListener();

        track(store.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, listener));
        listener.awaitCaughtUp();
        store.append("s-1", ExpectedRevision.ANY, events(1, "A"));

        assertThat(listener.awaitEvents(4).revisions()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(listener.caughtUpAt()).isEqualTo(3);
    }

    // ------------------------------------------------------------------------------------- helpers

    /** A JSON event of {@code type} with a fresh id and small, distinct data. */
    protected final EventData event(String type) {
        return EventData.builder(type).id(UUID.randomUUID()).data(json(dataCounter.incrementAndGet())).build();
    }

    protected final List<EventData> events(int count, String type) {
        return IntStream.range(0, count).mapToObj(i -> event(type)).toList();
    }

    /** A JSON event whose data is exactly {@code dataBytes} and metadata exactly {@code metadataBytes}. */
    protected static EventData sized(String type, int dataBytes, int metadataBytes) {
        return EventData.builder(type).id(UUID.randomUUID()).data(jsonOfSize(dataBytes))
                .metadata(metadataBytes == 0 ? new byte[0] : jsonOfSize(metadataBytes)).build();
    }

    /** A JSON object of exactly {@code bytes} bytes (at least 8), or a JSON number for fewer. */
    protected static byte[] jsonOfSize(int bytes) {
        if (bytes < 8) {
            return "1234567".substring(0, bytes).getBytes(UTF_8);
        }
        return ("{\"p\":\"" + "x".repeat(bytes - 8) + "\"}").getBytes(UTF_8);
    }

    protected static byte[] json(long n) {
        return ("{\"n\":" + n + "}").getBytes(UTF_8);
    }

    protected static List<UUID> ids(List<EventData> events) {
        return events.stream().map(e -> e.id().orElseThrow()).toList();
    }

    protected static List<Long> revisions(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::revision).toList();
    }

    protected static List<String> names(List<RecordedEvent> events) {
        return events.stream().map(e -> e.stream() + "@" + e.revision() + ":" + e.type()).toList();
    }

    @SafeVarargs
    protected static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    /** The whole log, forwards, page by page, checking that every page moves forward. */
    protected final List<RecordedEvent> readAllEvents() {
        return readAllEvents(store);
    }

    protected static List<RecordedEvent> readAllEvents(EventStore store) {
        List<RecordedEvent> all = new ArrayList<>();
        ReadAllOptions options = ReadAllOptions.forwards().limit(500);
        while (true) {
            AllSlice page = store.readAll(options);
            all.addAll(page.events());
            if (page.next().isEmpty()) {
                return all;
            }
            if (page.next().get().value() <= options.from()) {
                fail("readAll from " + options.from() + " returned next " + page.next().get() + ": no progress");
            }
            options = options.from(page.next().get());
        }
    }

    /** A whole stream, forwards, page by page. */
    protected final List<RecordedEvent> readWholeStream(String stream) {
        List<RecordedEvent> all = new ArrayList<>();
        ReadStreamOptions options = ReadStreamOptions.forwards().limit(500);
        while (true) {
            StreamSlice page = store.readStream(stream, options);
            all.addAll(page.events());
            if (page.next().isEmpty()) {
                return all;
            }
            if (page.next().getAsLong() <= options.from()) {
                fail("readStream from " + options.from() + " returned next " + page.next().getAsLong() + ": no progress");
            }
            options = options.from(page.next().getAsLong());
        }
    }

    protected static void assertStrictlyIncreasingPositions(List<RecordedEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position()).as("position at index %d", i).isGreaterThan(events.get(i - 1).position());
        }
    }

    protected static void assertInvalid(Runnable call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).as("expected invalid_request, but the call %s", thrown == null ? "succeeded" : "threw " + thrown)
                .isInstanceOf(InvalidRequestException.class);
        assertThat(((StrataException) thrown).code().wireName()).isEqualTo("invalid_request");
    }

    protected static void assertWrongExpectedRevision(Runnable call, String stream, ExpectedRevision expected,
                                                      OptionalLong actual) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).as("expected wrong_expected_revision, but the call %s", thrown == null ? "succeeded" : "threw " + thrown)
                .isInstanceOf(WrongExpectedRevisionException.class);
        WrongExpectedRevisionException e = (WrongExpectedRevisionException) thrown;
        assertThat(e.stream()).isEqualTo(stream);
        assertThat(e.expected()).isEqualTo(expected);
        assertThat(e.actual()).isEqualTo(actual);
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
