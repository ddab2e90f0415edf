package io.strata.storage.contract;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.strata.core.AllSlice;
import io.strata.core.AppendResult;
import io.strata.core.CollectingListener;
import io.strata.core.Direction;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.IdempotencyConflictException;
import io.strata.core.InMemoryEventStore;
import io.strata.core.InvalidRequestException;
import io.strata.core.OfferingListener;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreInfo;
import io.strata.core.StrataException;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.core.TooLargeException;
import io.strata.core.WrongExpectedRevisionException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random sequences of operations, run against the embedded engine and the reference model
 * ({@link InMemoryEventStore}) side by side; every answer must agree, exceptions included (by code
 * and facts).
 *
 * <p>Operations: appends to a small set of streams (so that expected revisions conflict) with random
 * expected revisions, some wrong, batches of 1–5 events; retries of earlier batches (same ids), to the
 * same stream or another; partial overlaps; invalid and oversized appends; stream reads forwards and
 * backwards from random revisions with random limits; reads of {@code $all} with random filters, from
 * and limits; {@code asOf} reads at earlier recorded times; restarts (close + open); subscriptions,
 * some of whose listeners take live events without blocking and refuse some of them
 * ({@link OfferingListener}), collected and compared with what the model says they must have delivered;
 * {@code info}.
 *
 * <p>The model takes the engine's recorded time of each append as its clock, so recorded times (and
 * {@code asOf} reads) compare exactly. Positions are compared through a map from the model's
 * positions to the engine's, built from the answers to appends: the engine's must be in the same
 * order, and each batch contiguous.
 *
 * <p>Settings: {@code -Dstrata.seed=N} runs only that sequence (every failure prints its seed);
 * {@code -Dstrata.model.sequences} (default 20) and {@code -Dstrata.model.ops} (default 300).
 * Small segments (64 KiB) and memtables (64 entries) make segment rolls and index flushes happen.
 */
class ModelBasedRandomTest {
    private static final int MAX_EVENT_BYTES = 4096;
    private static final List<String> STREAMS = List.of("order-1", "order-2", "order-10", "cust-1", "cust-2", "x");
    private static final List<String> TYPES = List.of("Created", "Updated", "Deleted");
    private static final List<String> CATEGORIES = List.of("order", "cust", "x", "nope");
    private static final List<String> PREFIXES = List.of("order-1", "cust", "o", "x", "zzz");

    @TempDir
    Path tempDir;

    @TestFactory
    Stream<DynamicTest> randomOperationSequencesAgreeWithTheModel() {
        String fixed = System.getProperty("strata.seed");
        int sequences = Integer.getInteger("strata.model.sequences", 20);
        int ops = Integer.getInteger("strata.model.ops", 300);
        List<Long> seeds = fixed != null && !fixed.isBlank()
                ? List.of(Long.parseLong(fixed.trim()))
                : IntStream.range(0, sequences).mapToObj(i -> ThreadLocalRandom.current().nextLong()).toList();
        return seeds.stream().map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            Path dir = Files.createTempDirectory(tempDir, "seed");
            new Sequence(seed, ops, dir).run();
        }));
    }

    /** One sequence of operations; not thread-safe (the subscriptions' listeners are). */
    private static final class Sequence {
        private final long seed;
        private final int ops;
        private final Random random;
        private final StoreConfig config;
        private final AtomicReference<Instant> modelClock = new AtomicReference<>(Instant.EPOCH);
        private final InMemoryEventStore model;
        private EmbeddedEventStore engine;
        /** The engine's position of the event at each model position. */
        private final List<Long> enginePositions = new ArrayList<>();
        private final List<Batch> written = new ArrayList<>();
        private final List<Batch> failed = new ArrayList<>();
        private final List<Watched> subscriptions = new ArrayList<>();
        private final List<String> trace = new ArrayList<>();
        private long ghostCounter;
        private int currentOp;

        private record Batch(String stream, List<EventData> events) {
        }

        /** A subscription on the engine, and what the model says it must deliver. */
        private record Watched(String description, Subscription subscription, CollectingListener listener,
                               Supplier<List<RecordedEvent>> expected) {
        }

        Sequence(long seed, int ops, Path dir) {
            this.seed = seed;
            this.ops = ops;
            this.random = new Random(seed);
            this.config = StoreConfig.builder(dir).durability(Durability.NONE).segmentBytes(64 << 10)
                    .memtableEntries(64).maxEventBytes(MAX_EVENT_BYTES).build();
            this.model = InMemoryEventStore.withClock(MAX_EVENT_BYTES, modelClock::get);
        }

        void run() {
            int op = -1;
            try {
                engine = EmbeddedEventStore.open(config);
                for (op = 0; op < ops; op++) {
                    currentOp = op;
                    step();
                }
                currentOp = ops;
                op = ops;
                trace("final comparison");
                checkSubscriptions();
                compareEverything();
                engine.close(); // before counting its files: an open store writes checkpoints in the background
                engine = null;
                System.out.printf("seed %d: %d ops, %d events, %d files in the store's folder%n", seed, ops,
                        model.info().events(), countFiles(config.directory()));
            } catch (Throwable t) {
                List<String> tail = trace.subList(Math.max(0, trace.size() - 40), trace.size());
                throw new AssertionError("model-based sequence failed: seed=" + seed + ", at operation " + op + " of " + ops
                        + ": " + t + "\n  rerun: ./mvnw -pl strata-storage -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ModelBasedRandomTest -Dstrata.seed="
                        + seed + " -Dstrata.model.ops=" + ops + "\n  last operations:\n    " + String.join("\n    ", tail), t);
            } finally {
                for (Watched w : subscriptions) {
                    w.subscription().close();
                }
                if (engine != null) {
                    try {
                        engine.close();
                    } catch (RuntimeException ignored) {
                        // the failure above is what matters
                    }
                }
                model.close();
            }
        }

        private void step() {
            int dice = random.nextInt(100);
            if (dice < 34) {
                appendFresh();
            } else if (dice < 42) {
                retryWritten();
            } else if (dice < 45) {
                retryFailed();
            } else if (dice < 49) {
                partialOverlap();
            } else if (dice < 51) {
                invalidAppend();
            } else if (dice < 65) {
                readStream(Optional.empty());
            } else if (dice < 79) {
                readAll(Optional.empty());
            } else if (dice < 87) {
                asOfRead();
            } else if (dice < 89) {
                reopen();
            } else if (dice < 92) {
                subscribe();
            } else if (dice < 95) {
                checkSubscriptions();
            } else if (dice < 96) {
                closeASubscription();
            } else {
                compareInfo();
            }
        }

        // ---------------------------------------------------------------------------------- appends

        private void appendFresh() {
            String stream = pick(STREAMS);
            List<EventData> events = new ArrayList<>();
            int size = 1 + random.nextInt(5);
            for (int i = 0; i < size; i++) {
                events.add(randomEvent());
            }
            append(stream, randomExpected(stream), events);
        }

        private void retryWritten() {
            if (written.isEmpty()) {
                appendFresh();
                return;
            }
            Batch b = pick(written);
            String stream = random.nextInt(10) == 0 ? pick(STREAMS) : b.stream();
            append(stream, randomExpected(stream), b.events());
        }

        private void retryFailed() {
            if (failed.isEmpty()) {
                appendFresh();
                return;
            }
            Batch b = pick(failed);
            append(b.stream(), randomExpected(b.stream()), b.events());
        }

        private void partialOverlap() {
            if (written.isEmpty()) {
                appendFresh();
                return;
            }
            Batch b = pick(written);
            List<EventData> old = b.events();
            List<EventData> attempt = new ArrayList<>();
            switch (random.nextInt(5)) {
                case 0 -> { // a part of the batch
                    int from = random.nextInt(old.size());
                    int to = from + 1 + random.nextInt(old.size() - from);
                    attempt.addAll(old.subList(from, to));
                    if (attempt.size() == old.size()) {
                        attempt.add(randomEvent());
                    }
                }
                case 1 -> { // the batch and a new event
                    attempt.addAll(old);
                    attempt.add(random.nextInt(attempt.size() + 1), randomEvent());
                }
                case 2 -> { // one old event among new ones
                    attempt.add(randomEvent());
                    attempt.add(pick(old));
                }
                case 3 -> { // another order
                    attempt.addAll(old);
                    java.util.Collections.reverse(attempt);
                    if (attempt.size() == 1) {
                        attempt.add(randomEvent());
                    }
                }
                default -> { // two batches as one
                    attempt.addAll(old);
                    attempt.addAll(pick(written).events());
                    if (attempt.stream().map(EventData::id).distinct().count() < attempt.size()) {
                        attempt = new ArrayList<>(old);
                        attempt.add(randomEvent());
                    }
                }
            }
            String stream = random.nextInt(4) == 0 ? pick(STREAMS) : b.stream();
            append(stream, randomExpected(stream), attempt);
        }

        private void invalidAppend() {
            String stream = pick(STREAMS);
            switch (random.nextInt(5)) {
                case 0 -> append(stream, ExpectedRevision.ANY, List.of());
                case 1 -> append(pick(List.of("", "$all", "bad\nname", "x".repeat(1001))), ExpectedRevision.ANY,
                        List.of(randomEvent()));
                case 2 -> append(stream, randomExpected(stream), List.of(randomEvent(),
                        EventData.builder("").id(randomUuid()).data(json("{}")).build()));
                default -> {
                    int over = MAX_EVENT_BYTES + 1 + random.nextInt(100);
                    int metadata = random.nextBoolean() ? 0 : Math.min(over - 8, 8 + random.nextInt(200));
                    EventData big = EventData.builder(pick(TYPES)).id(randomUuid()).data(jsonOfSize(over - metadata))
                            .metadata(metadata == 0 ? new byte[0] : jsonOfSize(metadata)).build();
                    List<EventData> events = new ArrayList<>(List.of(randomEvent()));
                    events.add(random.nextInt(2), big);
                    append(stream, randomExpected(stream), events);
                }
            }
        }

        private void append(String stream, ExpectedRevision expected, List<EventData> events) {
            String what = "append " + events.size() + " to '" + printable(stream) + "' expecting " + expected + " ids "
                    + events.stream().map(e -> e.id().map(id -> id.toString().substring(0, 8)).orElse("-")).toList();
            trace(what);
            long modelEventsBefore = model.info().events();
            Outcome<AppendResult> e = Outcome.of(() -> engine.append(stream, expected, events));
            e.value().ifPresent(r -> modelClock.set(r.recordedTime()));
            Outcome<AppendResult> m = Outcome.of(() -> model.append(stream, expected, events));
            compareErrors(what, e, m);
            if (m.value().isEmpty()) {
                trace("  -> " + m.error().map(ModelBasedRandomTest::describe).orElseThrow());
                failed.add(new Batch(stream, events));
                return;
            }
            AppendResult er = e.value().orElseThrow();
            AppendResult mr = m.value().orElseThrow();
            boolean wroteNow = model.info().events() > modelEventsBefore;
            if (wroteNow) {
                long mFirst = mr.firstPosition().value();
                long count = mr.lastPosition().value() - mFirst + 1;
                check(mFirst == enginePositions.size(), what, "the model's positions are not dense");
                check(er.lastPosition().value() - er.firstPosition().value() + 1 == count, what,
                        "the engine's batch is not contiguous in $all: " + er);
                long engineHead = enginePositions.isEmpty() ? -1 : enginePositions.getLast();
                check(er.firstPosition().value() > engineHead, what,
                        "the engine placed a new batch at " + er.firstPosition() + ", not after its head " + engineHead);
                for (long i = 0; i < count; i++) {
                    enginePositions.add(er.firstPosition().value() + i);
                }
                written.add(new Batch(stream, events));
            }
            check(er.stream().equals(mr.stream()) && er.firstRevision() == mr.firstRevision()
                            && er.lastRevision() == mr.lastRevision() && er.recordedTime().equals(mr.recordedTime())
                            && er.firstPosition().value() == engineOf(mr.firstPosition().value())
                            && er.lastPosition().value() == engineOf(mr.lastPosition().value()),
                    what, (wroteNow ? "" : "(an idempotent retry) ") + "engine answered " + er + ", model " + mr);
            trace("  -> revisions " + mr.firstRevision() + ".." + mr.lastRevision() + (wroteNow ? "" : " (retry)"));
        }

        private ExpectedRevision randomExpected(String stream) {
            OptionalLong last = lastRevision(stream);
            int dice = random.nextInt(100);
            if (dice < 30) {
                return ExpectedRevision.ANY;
            } else if (dice < 45) {
                return ExpectedRevision.NO_STREAM;
            } else if (dice < 58) {
                return ExpectedRevision.EXISTS;
            } else if (dice < 85) {
                return ExpectedRevision.exactly(last.orElse(random.nextInt(2)));
            } else {
                long wrong = last.isPresent() ? Math.max(0, last.getAsLong() + (random.nextBoolean() ? 1 : -1 - random.nextInt(3)))
                        : random.nextInt(3);
                return ExpectedRevision.exactly(wrong);
            }
        }

        private OptionalLong lastRevision(String stream) {
            try {
                return OptionalLong.of(model.readStream(stream, ReadStreamOptions.backwards().limit(1)).lastRevision());
            } catch (StreamNotFoundException | InvalidRequestException e) {
                return OptionalLong.empty();
            }
        }

        private EventData randomEvent() {
            EventData.Builder b = EventData.builder(pick(TYPES)).id(randomUuid());
            int dice = random.nextInt(100);
            int size = dice < 60 ? random.nextInt(100) : dice < 90 ? 100 + random.nextInt(900) : 1000 + random.nextInt(3000);
            if (random.nextInt(10) == 0) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                b.data(data).contentType("application/octet-stream");
            } else {
                b.data(jsonOfSize(Math.max(8, size)));
            }
            if (random.nextInt(4) == 0) {
                b.metadata(json("{\"correlationId\":\"" + random.nextInt(1000) + "\"}"));
            }
            if (random.nextInt(5) == 0) {
                b.validTime(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000) * 1000L));
            }
            return b.build();
        }

        private UUID randomUuid() {
            return new UUID(random.nextLong(), random.nextLong());
        }

        // ------------------------------------------------------------------------------------ reads

        private void readStream(Optional<Instant> asOf) {
            String stream = random.nextInt(12) == 0 ? "ghost-" + (ghostCounter++ % 3) : pick(STREAMS);
            Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
            long last = lastRevision(stream).orElse(0);
            long from = switch (random.nextInt(4)) {
                case 0 -> ReadStreamOptions.START;
                case 1 -> ReadStreamOptions.END;
                default -> random.nextLong(last + 4);
            };
            int limit = random.nextInt(6) == 0 ? 100 : 1 + random.nextInt(8);
            ReadStreamOptions options = new ReadStreamOptions(from, direction, limit, asOf);
            String what = "readStream '" + stream + "' " + direction + " from " + from + " limit " + limit + asOf.map(t -> " asOf " + t).orElse("");
            trace(what);
            Outcome<StreamSlice> e = Outcome.of(() -> engine.readStream(stream, options));
            Outcome<StreamSlice> m = Outcome.of(() -> model.readStream(stream, options));
            compareErrors(what, e, m);
            if (m.value().isPresent()) {
                StreamSlice es = e.value().orElseThrow();
                StreamSlice ms = m.value().orElseThrow();
                check(es.stream().equals(ms.stream()), what, "stream " + es.stream() + " vs " + ms.stream());
                check(es.lastRevision() == ms.lastRevision(), what, "lastRevision: engine " + es.lastRevision() + ", model " + ms.lastRevision());
                check(es.next().equals(ms.next()), what, "next: engine " + es.next() + ", model " + ms.next());
                compareEvents(what, es.events(), ms.events());
            }
        }

        private void readAll(Optional<Instant> asOf) {
            Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
            long size = enginePositions.size();
            long modelFrom = switch (random.nextInt(4)) {
                case 0 -> ReadAllOptions.START;
                case 1 -> ReadAllOptions.END;
                default -> random.nextLong(size + 3);
            };
            long engineFrom = modelFrom == ReadAllOptions.END ? ReadAllOptions.END : engineOf(modelFrom);
            int limit = random.nextInt(6) == 0 ? 100 : 1 + random.nextInt(10);
            EventFilter filter = randomFilter();
            String what = "readAll " + direction + " from " + modelFrom + " limit " + limit + " filter " + filter
                    + asOf.map(t -> " asOf " + t).orElse("");
            trace(what);
            Outcome<AllSlice> e = Outcome.of(() -> engine.readAll(new ReadAllOptions(engineFrom, direction, limit, asOf, filter)));
            Outcome<AllSlice> m = Outcome.of(() -> model.readAll(new ReadAllOptions(modelFrom, direction, limit, asOf, filter)));
            compareErrors(what, e, m);
            if (m.value().isPresent()) {
                AllSlice es = e.value().orElseThrow();
                AllSlice ms = m.value().orElseThrow();
                compareEvents(what, es.events(), ms.events());
                Optional<Long> expectedNext = ms.next().map(p -> engineOf(p.value()));
                check(es.next().map(Position::value).equals(expectedNext), what,
                        "next: engine " + es.next() + ", model " + ms.next() + " (= engine " + expectedNext + ")");
            }
        }

        private EventFilter randomFilter() {
            int dice = random.nextInt(10);
            if (dice < 4) {
                return EventFilter.ALL;
            }
            EventFilter f = EventFilter.ALL;
            if (dice < 7 || random.nextBoolean()) {
                List<String> types = new ArrayList<>(TYPES);
                java.util.Collections.shuffle(types, random);
                f = f.withTypes(Set.copyOf(types.subList(0, 1 + random.nextInt(2))));
            }
            if (random.nextInt(3) == 0) {
                f = f.withCategory(pick(CATEGORIES));
            }
            if (random.nextInt(3) == 0) {
                f = f.withStreamPrefix(pick(PREFIXES));
            }
            return f;
        }

        private void asOfRead() {
            List<RecordedEvent> log = model.readAll(ReadAllOptions.forwards().limit(Integer.MAX_VALUE)).events();
            Instant asOf;
            int dice = random.nextInt(10);
            if (log.isEmpty() || dice == 0) {
                asOf = Instant.parse("2000-01-01T00:00:00Z");
            } else if (dice == 1) {
                asOf = Instant.now().plus(1, ChronoUnit.HOURS);
            } else {
                Instant t = log.get(random.nextInt(log.size())).recordedTime();
                asOf = switch (random.nextInt(3)) {
                    case 0 -> t.minus(1, ChronoUnit.MICROS);
                    case 1 -> t.plus(1, ChronoUnit.MICROS);
                    default -> t;
                };
            }
            if (random.nextBoolean()) {
                readStream(Optional.of(asOf));
            } else {
                readAll(Optional.of(asOf));
            }
        }

        // ------------------------------------------------------------------------- subscriptions

        private void subscribe() {
            // Embedded live events reach a NonBlockingListener from the store's delivery thread, and a
            // refused one through onEvent again: both paths, and the switch between them, face the model.
            int refusing = random.nextInt(4); // 0: a plain listener; 1: takes every offer; else refuses every nth
            OfferingListener offering = refusing == 0 ? null
                    : refusing == 1 ? OfferingListener.takingAll() : OfferingListener.refusingEvery(refusing);
            CollectingListener listener = offering == null ? new CollectingListener() : offering.collected();
            SubscriptionListener subscriber = offering == null ? listener : offering;
            String kind = offering == null ? "" : refusing == 1 ? ", offers taken" : ", every " + refusing + "th offer refused";
            List<RecordedEvent> modelLog = model.readAll(ReadAllOptions.forwards().limit(Integer.MAX_VALUE)).events();
            String description;
            Subscription subscription;
            Supplier<List<RecordedEvent>> expected;
            if (random.nextBoolean()) {
                String stream = pick(STREAMS);
                long size = lastRevision(stream).orElse(-1) + 1;
                long from = switch (random.nextInt(3)) {
                    case 0 -> ReadStreamOptions.START;
                    case 1 -> ReadStreamOptions.END;
                    default -> random.nextLong(size + 2);
                };
                long start = from == ReadStreamOptions.END ? size : from;
                description = "subscribeToStream '" + stream + "' from " + from + kind;
                subscription = engine.subscribeToStream(stream, from, subscriber);
                expected = () -> modelStream(stream).stream().filter(e -> e.revision() >= start).toList();
            } else {
                long size = modelLog.size();
                long modelFrom = switch (random.nextInt(3)) {
                    case 0 -> ReadAllOptions.START;
                    case 1 -> ReadAllOptions.END;
                    default -> random.nextLong(size + 2);
                };
                long engineFrom = modelFrom == ReadAllOptions.END ? ReadAllOptions.END : engineOf(modelFrom);
                long start = modelFrom == ReadAllOptions.END ? size : modelFrom;
                EventFilter filter = randomFilter();
                description = "subscribeToAll from " + modelFrom + " filter " + filter + kind;
                subscription = engine.subscribeToAll(engineFrom, filter, subscriber);
                expected = () -> model.readAll(ReadAllOptions.forwards().limit(Integer.MAX_VALUE)).events().stream()
                        .filter(e -> e.position().value() >= start && filter.matches(e)).toList();
            }
            trace(description);
            Watched w = new Watched(description + " (op " + currentOp + ")", subscription, listener, expected);
            subscriptions.add(w);
            try {
                listener.awaitCaughtUp();
            } catch (AssertionError e) {
                throw new AssertionError(description + ": " + e.getMessage() + "; " + listener, e);
            }
            int history = expected.get().size();
            check(listener.caughtUpAt() == history, description,
                    "onCaughtUp after " + listener.caughtUpAt() + " events, but the history has " + history);
        }

        private void checkSubscriptions() {
            trace("check " + subscriptions.size() + " subscriptions");
            for (Watched w : subscriptions) {
                List<RecordedEvent> expected = w.expected().get();
                try {
                    w.listener().awaitEvents(expected.size());
                } catch (AssertionError e) {
                    throw new AssertionError(w.description() + ": " + e.getMessage() + "; " + w.listener(), e);
                }
                List<RecordedEvent> got = w.listener().events();
                check(got.size() == expected.size(), w.description(), "delivered " + got.size() + " events, expected " + expected.size());
                compareEvents(w.description(), got, expected);
                check(w.listener().caughtUpCalls() == 1, w.description(), "onCaughtUp called " + w.listener().caughtUpCalls() + " times");
                check(w.listener().violations().isEmpty(), w.description(), "listener protocol: " + w.listener().violations());
                check(w.listener().error() == null, w.description(), "onError(" + w.listener().error() + ")");
                check(w.subscription().isActive(), w.description(), "no longer active");
            }
        }

        private void closeASubscription() {
            if (subscriptions.isEmpty()) {
                return;
            }
            Watched w = subscriptions.remove(random.nextInt(subscriptions.size()));
            trace("close " + w.description());
            w.subscription().close();
            check(!w.subscription().isActive(), w.description(), "still active after close");
        }

        // ----------------------------------------------------------------------------- the rest

        private void reopen() {
            trace("reopen");
            checkSubscriptions();
            for (Watched w : subscriptions) {
                w.subscription().close();
            }
            subscriptions.clear();
            engine.close();
            engine = EmbeddedEventStore.open(config);
            compareInfo();
        }

        private void compareInfo() {
            trace("info");
            StoreInfo e = engine.info();
            StoreInfo m = model.info();
            check(e.streams() == m.streams() && e.events() == m.events(), "info",
                    "engine " + e.streams() + " streams, " + e.events() + " events; model " + m.streams() + ", " + m.events());
            Optional<Long> head = m.headPosition().map(p -> engineOf(p.value()));
            check(e.headPosition().map(Position::value).equals(head), "info", "head: engine " + e.headPosition() + ", model " + head);
        }

        private void compareEverything() {
            compareInfo();
            List<RecordedEvent> e = readEverything(engine);
            List<RecordedEvent> m = readEverything(model);
            compareEvents("the whole log", e, m);
            for (String stream : STREAMS) {
                Outcome<StreamSlice> es = Outcome.of(() -> engine.readStream(stream, ReadStreamOptions.forwards().limit(100_000)));
                Outcome<StreamSlice> ms = Outcome.of(() -> model.readStream(stream, ReadStreamOptions.forwards().limit(100_000)));
                compareErrors("the whole stream " + stream, es, ms);
                if (ms.value().isPresent()) {
                    compareEvents("the whole stream " + stream, es.value().orElseThrow().events(), ms.value().orElseThrow().events());
                }
            }
        }

        private static List<RecordedEvent> readEverything(EventStore store) {
            List<RecordedEvent> all = new ArrayList<>();
            ReadAllOptions options = ReadAllOptions.forwards().limit(1000);
            while (true) {
                AllSlice page = store.readAll(options);
                all.addAll(page.events());
                if (page.next().isEmpty() || page.next().get().value() <= options.from()) {
                    return all;
                }
                options = options.from(page.next().get());
            }
        }

        private List<RecordedEvent> modelStream(String stream) {
            try {
                return model.readStream(stream, ReadStreamOptions.forwards().limit(Integer.MAX_VALUE)).events();
            } catch (StreamNotFoundException e) {
                return List.of();
            }
        }

        // ---------------------------------------------------------------------------- comparing

        /** The engine's position of model position {@code p}; past the model's head, as far past the engine's. */
        private long engineOf(long p) {
            if (p < enginePositions.size()) {
                return enginePositions.get((int) p);
            }
            long head = enginePositions.isEmpty() ? -1 : enginePositions.getLast();
            return head + 1 + (p - enginePositions.size());
        }

        private void compareEvents(String what, List<RecordedEvent> engineEvents, List<RecordedEvent> modelEvents) {
            check(engineEvents.size() == modelEvents.size(), what, "engine returned " + engineEvents.size()
                    + " events " + brief(engineEvents) + ", model " + modelEvents.size() + " " + brief(modelEvents));
            for (int i = 0; i < engineEvents.size(); i++) {
                RecordedEvent e = engineEvents.get(i);
                RecordedEvent m = modelEvents.get(i);
                boolean same = e.id().equals(m.id()) && e.stream().equals(m.stream()) && e.type().equals(m.type())
                        && e.revision() == m.revision() && e.position().value() == engineOf(m.position().value())
                        && e.recordedTime().equals(m.recordedTime()) && e.validTime().equals(m.validTime())
                        && e.contentType().equals(m.contentType()) && Arrays.equals(e.data(), m.data())
                        && Arrays.equals(e.metadata(), m.metadata());
                check(same, what, "event " + i + ": engine " + full(e) + ", model " + full(m)
                        + " (model position " + m.position() + " is engine position " + engineOf(m.position().value()) + ")");
            }
        }

        private <T> void compareErrors(String what, Outcome<T> e, Outcome<T> m) {
            if (e.error().isEmpty() && m.error().isEmpty()) {
                return;
            }
            check(e.error().isPresent() && m.error().isPresent(), what, "engine "
                    + e.error().map(ModelBasedRandomTest::describe).orElse("succeeded: " + e.value().orElse(null))
                    + ", model " + m.error().map(ModelBasedRandomTest::describe).orElse("succeeded: " + m.value().orElse(null)));
            Throwable et = e.error().orElseThrow();
            Throwable mt = m.error().orElseThrow();
            if (!(et instanceof StrataException ese) || !(mt instanceof StrataException mse) || ese.code() != mse.code()) {
                AssertionError error = new AssertionError(what + ": engine " + describe(et) + ", model " + describe(mt));
                error.addSuppressed(et);
                throw error;
            }
            boolean sameFacts = switch (et) {
                case WrongExpectedRevisionException w -> mt instanceof WrongExpectedRevisionException mw
                        && w.stream().equals(mw.stream()) && w.expected().equals(mw.expected()) && w.actual().equals(mw.actual());
                case StreamNotFoundException s -> s.stream().equals(((StreamNotFoundException) mt).stream());
                case IdempotencyConflictException c -> c.stream().equals(((IdempotencyConflictException) mt).stream());
                case TooLargeException t -> t.limit() == ((TooLargeException) mt).limit() && t.actual() == ((TooLargeException) mt).actual();
                default -> true;
            };
            check(sameFacts, what, "engine " + describe(et) + ", model " + describe(mt));
        }

        private void check(boolean ok, String what, String problem) {
            if (!ok) {
                throw new AssertionError(what + ": " + problem);
            }
        }

        private void trace(String line) {
            trace.add(line.startsWith("  ") ? "       " + line : String.format("op %3d: %s", currentOp, line));
        }

        private <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }
    }

    /** What a call did: returned a value or threw. */
    private record Outcome<T>(Optional<T> value, Optional<Throwable> error) {
        static <T> Outcome<T> of(Supplier<T> call) {
            try {
                return new Outcome<>(Optional.of(call.get()), Optional.empty());
            } catch (RuntimeException e) {
                return new Outcome<>(Optional.empty(), Optional.of(e));
            }
        }
    }

    private static String describe(Throwable t) {
        return t instanceof StrataException s ? s.code().wireName() + " (" + s.getMessage() + ")" : t.toString();
    }

    private static String brief(List<RecordedEvent> events) {
        return events.stream().limit(12).map(e -> e.stream() + "@" + e.revision() + "/p" + e.position()).toList()
                + (events.size() > 12 ? "…" : "");
    }

    private static String full(RecordedEvent e) {
        return "[" + e.id() + " " + e.stream() + "@" + e.revision() + " p" + e.position() + " " + e.type() + " rec "
                + e.recordedTime() + " valid " + e.validTime().map(Objects::toString).orElse("-") + " " + e.contentType()
                + " " + e.data().length + "+" + e.metadata().length + " bytes]";
    }

    private static String printable(String s) {
        String shown = s.length() > 20 ? s.substring(0, 20) + "…(" + s.length() + ")" : s;
        return shown.replace("\n", "\\n");
    }

    private static long countFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static byte[] json(String text) {
        return text.getBytes(UTF_8);
    }

    private static byte[] jsonOfSize(int bytes) {
        return ("{\"p\":\"" + "x".repeat(Math.max(0, bytes - 8)) + "\"}").getBytes(UTF_8);
    }
}
