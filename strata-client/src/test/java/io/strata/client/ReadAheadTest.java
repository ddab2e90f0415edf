package io.strata.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.strata.core.AllSlice;
import io.strata.core.Direction;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StreamSlice;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-ahead of sequential read pages ({@link ReadAhead}) against a real server: readers page through
 * {@code $all} and streams and get every event once, in order; pages are read ahead only for sequential
 * readers and used only by the same read, only when full; failures and deadlines reach the caller as
 * without read-ahead. Tests that must see each call the server gets, or fail or hold one, read through a
 * {@link ReadCallProxy} in front of the server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadAheadTest {
    private static final String[] STREAMS = {"order-0", "order-1", "order-2", "order-3", "order-4"};

    @TempDir
    Path tempDir;
    private ServedClient served;
    private ReadCallProxy proxy;
    private StrataClient client;
    /** The ids of the events appended, in the order of the log, and their types. */
    private final List<UUID> ids = new ArrayList<>();
    private final Map<UUID, String> typeOf = new HashMap<>();
    private final Map<UUID, String> streamOf = new HashMap<>();

    @BeforeEach
    void startServer() {
        served = ServedClient.start(tempDir, config -> config);
    }

    @AfterEach
    void closeAll() {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        served.close();
    }

    /** A client of the server through a proxy that sees (and may fail or hold) each read call. */
    private StrataClient clientThroughProxy(Duration deadline) {
        proxy = new ReadCallProxy(ServedClient.address(served.server()));
        client = StrataClient.builder(proxy.address()).deadline(deadline).build();
        return client;
    }

    private StrataClient directClient() {
        client = StrataClient.connect(ServedClient.address(served.server()));
        return client;
    }

    /** Appends {@code count} events, in batches of 50 to the streams in turn, types A and B alternating. */
    private void append(int count) {
        for (int done = 0; done < count; ) {
            String stream = STREAMS[(done / 50) % STREAMS.length];
            List<EventData> batch = new ArrayList<>();
            List<UUID> batchIds = new ArrayList<>();
            for (int i = 0; i < Math.min(50, count - done); i++) {
                UUID id = UUID.randomUUID();
                String type = (ids.size() + i) % 2 == 0 ? "A" : "B";
                batch.add(EventData.builder(type).id(id).data(("{\"n\":" + (ids.size() + i) + "}").getBytes(StandardCharsets.UTF_8)).build());
                batchIds.add(id);
                typeOf.put(id, type);
                streamOf.put(id, stream);
            }
            served.append(stream, ExpectedRevision.ANY, batch);
            ids.addAll(batchIds);
            done += batch.size();
        }
    }

    private static List<UUID> idsOf(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::id).toList();
    }

    /** The pages of {@code $all} from {@code first}, each read from the last one's next, until there is none. */
    private static List<AllSlice> pagesOfAll(StrataClient store, ReadAllOptions first) {
        List<AllSlice> pages = new ArrayList<>();
        ReadAllOptions read = first;
        while (true) {
            AllSlice page = store.readAll(read);
            pages.add(page);
            if (page.next().isEmpty()) {
                return pages;
            }
            read = read.from(page.next().get());
        }
    }

    private static List<RecordedEvent> eventsOf(List<AllSlice> pages) {
        return pages.stream().flatMap(page -> page.events().stream()).toList();
    }

    private static ReadAhead.Counts counts(StrataClient store) {
        return store.readAhead().counts();
    }

    /** Reads three pages of 20 from the start: the third one's answer sends the read of the fourth. */
    private static ReadAllOptions readThreePages(StrataClient store) {
        ReadAllOptions read = ReadAllOptions.forwards().limit(20);
        for (int page = 0; page < 3; page++) {
            AllSlice slice = store.readAll(read);
            assertThat(slice.events()).hasSize(20);
            read = read.from(slice.next().orElseThrow());
        }
        return read;
    }

    // ---- paging gets every event once

    @Test
    void aCatchUpReaderPagingThroughAllGetsEveryEventOnceInOrderAndMostPagesFromReadAhead() {
        append(3000);
        StrataClient store = clientThroughProxy(Duration.ofSeconds(30));

        List<AllSlice> pages = pagesOfAll(store, ReadAllOptions.forwards().limit(50));

        List<RecordedEvent> events = eventsOf(pages);
        assertThat(idsOf(events)).isEqualTo(ids);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().value()).isGreaterThan(events.get(i - 1).position().value());
        }
        assertThat(pages.size()).isBetween(60, 61);
        // Pages 1-3 are read one by one; every later full page came from read-ahead, most of them guessed.
        assertThat(counts(store).used()).isGreaterThanOrEqualTo(57);
        assertThat(counts(store).guessed()).isGreaterThanOrEqualTo(56);
        // Each next page was asked for as this one's answer came in, before decoding it.
        assertThat(counts(store).sentOnArrival()).isEqualTo(counts(store).sent());
        // Each page reached the server once, but for the last (short, so read again at the head); the only
        // other reads are at most two guessed past the end.
        List<Object> pageReads = new ArrayList<>();
        ReadAllOptions read = ReadAllOptions.forwards().limit(50);
        for (AllSlice page : pages) {
            pageReads.add(ProtoMapping.toProto(read));
            read = page.next().map(read::from).orElse(read);
        }
        List<Object> requests = proxy.requests();
        for (int i = 0; i < pageReads.size() - 1; i++) {
            Object pageRead = pageReads.get(i);
            assertThat(requests.stream().filter(pageRead::equals)).as("page %d", i + 1).hasSize(1);
        }
        assertThat(requests.stream().filter(pageReads.getLast()::equals).count()).isBetween(1L, 2L);
        assertThat(requests.stream().filter(request -> !pageReads.contains(request)).count()).isLessThanOrEqualTo(2);
    }

    @Test
    void aReaderPagingThroughAStreamGetsEveryEventOnceInOrder() {
        List<EventData> batch = new ArrayList<>();
        List<UUID> tickIds = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            tickIds.add(UUID.randomUUID());
            batch.add(EventData.builder("Tick").id(tickIds.getLast()).data(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)).build());
        }
        for (int from = 0; from < 1000; from += 100) {
            served.append("clock-1", ExpectedRevision.ANY, batch.subList(from, from + 100));
        }
        StrataClient store = directClient();

        List<RecordedEvent> events = new ArrayList<>();
        ReadStreamOptions read = ReadStreamOptions.forwards().limit(37);
        int pages = 0;
        while (true) {
            StreamSlice page = store.readStream("clock-1", read);
            pages++;
            assertThat(page.stream()).isEqualTo("clock-1");
            assertThat(page.lastRevision()).isEqualTo(999);
            events.addAll(page.events());
            if (page.next().isEmpty()) {
                break;
            }
            read = read.from(page.next().getAsLong());
        }

        assertThat(idsOf(events)).isEqualTo(tickIds);
        assertThat(events.stream().mapToLong(RecordedEvent::revision).toArray())
                .isEqualTo(LongStream.range(0, 1000).toArray());
        assertThat(pages).isEqualTo(28); // 27 full pages and one of 1
        assertThat(counts(store).used()).isGreaterThanOrEqualTo(24); // pages 4 to 27
        assertThat(counts(store).guessed()).isGreaterThanOrEqualTo(23); // pages 5 to 28 (and one past the end)
        assertThat(counts(store).sentOnArrival()).isEqualTo(counts(store).sent());
    }

    @Test
    void aBackwardsReaderGetsEveryEventOnceInReverseOrder() {
        append(500);
        StrataClient store = directClient();

        List<AllSlice> pages = pagesOfAll(store, ReadAllOptions.backwards().limit(30));

        List<UUID> reversed = new ArrayList<>(ids);
        Collections.reverse(reversed);
        assertThat(idsOf(eventsOf(pages))).isEqualTo(reversed);
        assertThat(counts(store).used()).isGreaterThanOrEqualTo(13); // pages 4 to 16 of 17
    }

    @Test
    void theOutlineOfAnAnswerIsItsEventCountAndNext() {
        io.strata.protocol.v1.RecordedEvent event = io.strata.protocol.v1.RecordedEvent.newBuilder()
                .setStream("order-1").setType("A").setRevision(7).setPosition(12).setData(ByteString.copyFromUtf8("{}")).build();
        ReadAllResponse.Builder all = ReadAllResponse.newBuilder();
        ReadStreamResponse.Builder stream = ReadStreamResponse.newBuilder().setStream("order-1").setLastRevision(99);
        for (int i = 0; i < 25; i++) {
            all.addEvents(event);
            stream.addEvents(event);
        }

        assertThat(outlineOfAll(all.build())).isEqualTo(new ReadAhead.Outline(25, -1));
        assertThat(outlineOfAll(all.setNext(1L << 40).build())).isEqualTo(new ReadAhead.Outline(25, 1L << 40));
        assertThat(outlineOfAll(ReadAllResponse.newBuilder().setNext(0).build())).isEqualTo(new ReadAhead.Outline(0, 0));
        assertThat(outlineOfStream(stream.build())).isEqualTo(new ReadAhead.Outline(25, -1));
        assertThat(outlineOfStream(stream.setNext(25).build())).isEqualTo(new ReadAhead.Outline(25, 25));
        byte[] cut = all.build().toByteArray();
        assertThat(ReadAhead.outline(Arrays.copyOf(cut, cut.length - 3), ReadAllResponse.EVENTS_FIELD_NUMBER,
                ReadAllResponse.NEXT_FIELD_NUMBER)).isNull();
    }

    private static ReadAhead.Outline outlineOfAll(ReadAllResponse answer) {
        return ReadAhead.outline(answer.toByteArray(), ReadAllResponse.EVENTS_FIELD_NUMBER, ReadAllResponse.NEXT_FIELD_NUMBER);
    }

    private static ReadAhead.Outline outlineOfStream(ReadStreamResponse answer) {
        return ReadAhead.outline(answer.toByteArray(), ReadStreamResponse.EVENTS_FIELD_NUMBER, ReadStreamResponse.NEXT_FIELD_NUMBER);
    }

    // ---- only sequential readers, only the same read

    @Test
    void onlyTheThirdPageOfASequentialScanOnwardsSendsAReadAhead() {
        append(400);
        StrataClient store = clientThroughProxy(Duration.ofSeconds(30));
        ReadAllOptions first = ReadAllOptions.forwards().limit(20);

        // One read, then reads that each skip past the last one's next: nothing read ahead.
        AllSlice page = store.readAll(first);
        for (int i = 0; i < 5; i++) {
            page = store.readAll(first.from(page.next().orElseThrow().value() + 1));
            assertThat(page.events()).hasSize(20);
        }
        assertThat(counts(store)).isEqualTo(new ReadAhead.Counts(0, 0, 0, 0, 0, 0));
        assertThat(proxy.requests()).hasSize(6);

        // A scan: two pages read one by one, then the third's answer sends the fourth, and the fifth on a
        // guess: the third page held 20 places, so the fourth ends 20 on.
        AllSlice p1 = store.readAll(first);
        AllSlice p2 = store.readAll(first.from(p1.next().orElseThrow()));
        assertThat(counts(store).sent()).isZero();
        AllSlice p3 = store.readAll(first.from(p2.next().orElseThrow()));
        assertThat(counts(store).sent()).isEqualTo(2);
        assertThat(counts(store).guessed()).isEqualTo(1);
        ReadAllOptions fourth = first.from(p3.next().orElseThrow());
        ReadAllOptions fifth = first.from(p3.next().orElseThrow().value() + 20);
        await().until(() -> proxy.requests().size() == 11);
        assertThat(proxy.requests().subList(9, 11)).containsExactlyInAnyOrder(ProtoMapping.toProto(fourth), ProtoMapping.toProto(fifth));

        AllSlice p4 = store.readAll(fourth);

        assertThat(idsOf(p4.events())).isEqualTo(ids.subList(60, 80));
        assertThat(counts(store).used()).isEqualTo(1);
        assertThat(p4.next().map(fourth::from)).contains(fifth); // guessed right: the fifth is in the slot
        await().until(() -> proxy.requests().size() == 12); // the fifth is not asked for again; the sixth is guessed
        assertThat(proxy.requests().get(11)).isEqualTo(ProtoMapping.toProto(first.from(fifth.from() + 20)));
        assertThat(idsOf(store.readAll(fifth).events())).isEqualTo(ids.subList(80, 100));
        assertThat(counts(store).used()).isEqualTo(2);
        assertThat(proxy.requests().stream().filter(ProtoMapping.toProto(fifth)::equals)).hasSize(1);
    }

    @Test
    void aGuessRepeatsAFullStepForwardsOrBackwardsAndNeverStartsBeforeZero() {
        ReadAhead.Pages<ReadAllOptions, Object, Object> pages = new ReadAhead.Pages<>(null, read -> read,
                ReadAllOptions::limit, page -> 0, page -> OptionalLong.empty(), ReadAllOptions::from, 1, 2,
                ReadAllOptions::from);
        ReadAllOptions forwards = ReadAllOptions.forwards().limit(20);
        ReadAllOptions backwards = ReadAllOptions.backwards().limit(20);

        assertThat(pages.guessAfter(forwards.from(40), forwards.from(60))).isEqualTo(forwards.from(80));
        assertThat(pages.guessAfter(forwards.from(40), forwards.from(61))).isNull(); // the page skipped a place
        assertThat(pages.guessAfter(forwards.from(40), forwards.from(59))).isNull();
        assertThat(pages.guessAfter(backwards.from(79), backwards.from(59))).isEqualTo(backwards.from(39));
        assertThat(pages.guessAfter(backwards.from(49), backwards.from(29))).isEqualTo(backwards.from(9));
        assertThat(pages.guessAfter(backwards.from(39), backwards.from(19))).isNull(); // it would start at -1
        assertThat(pages.guessAfter(backwards.from(Long.MAX_VALUE), backwards.from(999))).isNull(); // from the end
    }

    @Test
    void aWrongGuessIsNeverHandedOutAndTheRightReadIsMade() {
        // Type C fills positions 0-99, then every other position of 100-199.
        List<UUID> typeC = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String type = i < 100 || i % 2 == 0 ? "C" : "D";
            UUID id = UUID.randomUUID();
            if (type.equals("C")) {
                typeC.add(id);
            }
            served.append("mixed-1", ExpectedRevision.ANY, List.of(EventData.builder(type).id(id).data("{}".getBytes(StandardCharsets.UTF_8)).build()));
        }
        StrataClient store = clientThroughProxy(Duration.ofSeconds(30));
        ReadAllOptions first = ReadAllOptions.forwards().limit(20).filter(EventFilter.types("C"));

        List<AllSlice> pages = pagesOfAll(store, first);

        // Pages 3 to 5 hold 20 places each, so the reads from 80, 100 and 120 are guessed; the sixth page
        // (C at 100, 102, ..., 138) ends at 139, so the guess from 120 was wrong and the read from 139 made.
        assertThat(idsOf(eventsOf(pages))).isEqualTo(typeC);
        assertThat(pages.get(5).next().orElseThrow().value()).isEqualTo(139);
        assertThat(counts(store).guessed()).isEqualTo(3);
        // The wrong guess from 120 is cancelled as soon as the page from 100 is in, which can be before its
        // request has left the client, so the proxy need not see it (CI once saw exactly that).
        assertThat(proxy.requests()).contains(ProtoMapping.toProto(first.from(139)));
        assertThat(counts(store).used()).isGreaterThanOrEqualTo(4); // pages 4 to 7
    }

    @Test
    void aDifferentReadNeverGetsAnotherReadsPage() {
        append(500);
        StrataClient store = directClient();
        ReadAllOptions fourth = readThreePages(store);
        await().until(() -> counts(store).answered() == 2); // the fourth page and the fifth, guessed
        assertThat(store.readAhead().holdsPrefetch()).isTrue();

        // Same from, other limit, filter, direction, asOf: each gets its own answer, the page stays.
        assertThat(idsOf(store.readAll(fourth.limit(7)).events())).isEqualTo(ids.subList(60, 67));
        assertThat(idsOf(store.readAll(fourth.limit(21)).events())).isEqualTo(ids.subList(60, 81));
        List<RecordedEvent> typeB = store.readAll(fourth.filter(EventFilter.types("B"))).events();
        assertThat(idsOf(typeB)).isEqualTo(ids.subList(60, 500).stream().filter(id -> typeOf.get(id).equals("B")).limit(20).toList());
        List<RecordedEvent> order1 = store.readAll(fourth.filter(EventFilter.streamPrefix("order-1"))).events();
        assertThat(order1).hasSize(20).allSatisfy(event -> assertThat(event.stream()).isEqualTo("order-1"));
        List<UUID> backwards = idsOf(store.readAll(new ReadAllOptions(fourth.from(), Direction.BACKWARD, 20,
                fourth.asOf(), fourth.filter())).events());
        List<UUID> before = new ArrayList<>(ids.subList(41, 61));
        Collections.reverse(before);
        assertThat(backwards).isIn(before, reversedRange(40, 60));
        assertThat(store.readAll(fourth.asOf(Instant.EPOCH)).events()).isEmpty();
        assertThat(counts(store).used()).isZero();
        assertThat(counts(store).sent()).isEqualTo(2);
        assertThat(store.readAhead().holdsPrefetch()).isTrue();

        // The read it was made for gets it.
        AllSlice page = store.readAll(fourth);
        assertThat(idsOf(page.events())).isEqualTo(ids.subList(60, 80));
        assertThat(counts(store).used()).isEqualTo(1);
    }

    private List<UUID> reversedRange(int from, int to) {
        List<UUID> range = new ArrayList<>(ids.subList(from, to));
        Collections.reverse(range);
        return range;
    }

    @Test
    void aStreamReadNeverGetsThePageOfAnotherStream() {
        append(500); // 100 events in each of the five streams
        StrataClient store = directClient();
        ReadStreamOptions read = ReadStreamOptions.forwards().limit(10);
        for (int page = 0; page < 3; page++) {
            read = read.from(store.readStream("order-0", read).next().orElseThrow());
        }
        await().until(() -> counts(store).answered() == 2);

        StreamSlice other = store.readStream("order-1", read);
        StreamSlice own = store.readStream("order-0", read);

        assertThat(other.stream()).isEqualTo("order-1");
        assertThat(other.events()).hasSize(10).allSatisfy(event -> assertThat(event.stream()).isEqualTo("order-1"));
        assertThat(other.events().getFirst().revision()).isEqualTo(30);
        assertThat(own.events()).hasSize(10).allSatisfy(event -> assertThat(event.stream()).isEqualTo("order-0"));
        assertThat(own.events().getFirst().revision()).isEqualTo(30);
        assertThat(idsOf(own.events())).isEqualTo(ids.stream().filter(id -> streamOf.get(id).equals("order-0")).skip(30).limit(10).toList());
        assertThat(counts(store).used()).isEqualTo(1);
    }

    // ---- only full pages

    @Test
    void aPageReadAheadWhileShortAtTheHeadOfTheLogIsReadAgain() {
        append(70);
        StrataClient store = directClient();
        ReadAllOptions fourth = readThreePages(store); // 60 events; the fourth page, read ahead, has 10
        await().until(() -> counts(store).answered() == 2); // and the fifth, guessed, none

        append(50);
        AllSlice page = store.readAll(fourth);

        assertThat(idsOf(page.events())).isEqualTo(ids.subList(60, 80)); // the events appended since are there
        assertThat(counts(store).used()).isZero();
        assertThat(counts(store).dropped()).isEqualTo(1);
        List<RecordedEvent> rest = eventsOf(pagesOfAll(store, fourth.from(page.next().orElseThrow())));
        assertThat(idsOf(rest)).isEqualTo(ids.subList(80, 120));
    }

    // ---- errors, deadlines and close as without read-ahead

    @Test
    void aReadAheadThatFailedIsReadAgain() {
        append(200);
        StrataClient store = clientThroughProxy(Duration.ofSeconds(30));
        Object fourthRequest = ProtoMapping.toProto(ReadAllOptions.forwards().limit(20).from(60));
        AtomicBoolean failed = new AtomicBoolean(); // the first call of it only: the read-ahead
        proxy.failRequests(request -> request.equals(fourthRequest) && !failed.getAndSet(true)
                ? Status.UNAVAILABLE.withDescription("dropped by the test") : null);
        ReadAllOptions fourth = readThreePages(store);
        await().until(() -> counts(store).answered() == 2);

        AllSlice page = store.readAll(fourth);

        assertThat(idsOf(page.events())).isEqualTo(ids.subList(60, 80));
        assertThat(counts(store).dropped()).isEqualTo(1);
        assertThat(counts(store).used()).isZero();
        assertThat(proxy.requests().stream().filter(fourthRequest::equals)).hasSize(2);
    }

    @Test
    void aSequentialReadFailsAsAPlainReadDoesWhenTheServerFails() {
        append(200);
        StrataClient store = clientThroughProxy(Duration.ofSeconds(30));
        for (Status failure : List.of(Status.UNAVAILABLE.withDescription("the test's server is down"),
                Status.INVALID_ARGUMENT.withDescription("the test refuses it"), Status.INTERNAL.withDescription("oops"))) {
            int failFrom = proxy.requests().size() + 4; // the read ahead of the fourth page on
            proxy.fail(call -> call >= failFrom ? failure : null);
            ReadAllOptions fourth = readThreePages(store);
            await().until(() -> counts(store).answered() == counts(store).sent());

            Throwable sequential = catchThrowable(() -> store.readAll(fourth));
            Throwable plain = catchThrowable(() -> store.readAll(ReadAllOptions.forwards().limit(7)));

            assertThat(sequential).as(failure.toString()).isNotNull().hasSameClassAs(plain).hasMessage(plain.getMessage());
            assertThat(sequential.getMessage()).contains(failure.getDescription());
        }
    }

    @Test
    void aReadWaitsForItsPageStillInFlight() throws Exception {
        append(200);
        StrataClient store = clientThroughProxy(Duration.ofSeconds(30));
        Object fourthRequest = ProtoMapping.toProto(ReadAllOptions.forwards().limit(20).from(60));
        proxy.holdRequests(fourthRequest::equals);
        ReadAllOptions fourth = readThreePages(store);
        await().until(() -> proxy.requests().contains(fourthRequest));

        CompletableFuture<AllSlice> read = CompletableFuture.supplyAsync(() -> store.readAll(fourth));
        Thread.sleep(200);
        assertThat(read).isNotDone();
        proxy.release();

        assertThat(idsOf(read.get(10, TimeUnit.SECONDS).events())).isEqualTo(ids.subList(60, 80));
        assertThat(counts(store).used()).isEqualTo(1);
        assertThat(fourthRequest).isEqualTo(ProtoMapping.toProto(fourth));
        assertThat(proxy.requests().stream().filter(fourthRequest::equals)).hasSize(1);
    }

    @Test
    void aReadWhosePageIsNotAnsweredWithinTheDeadlineFailsWithDeadlineExceeded() {
        append(200);
        Duration deadline = Duration.ofSeconds(2);
        StrataClient store = clientThroughProxy(deadline);
        proxy.hold(call -> call >= 4);
        ReadAllOptions fourth = readThreePages(store);

        Throwable thrown = catchThrowable(() -> store.readAll(fourth));

        assertThat(thrown).isInstanceOf(DeadlineExceededException.class);
        assertThat(((DeadlineExceededException) thrown).deadline()).isEqualTo(deadline);
        assertThat(thrown.getMessage()).contains(proxy.address());
        await().until(() -> proxy.cancelledWhileHeld() >= 1); // the late read ahead was given up
        assertThat(store.readAhead().holdsPrefetch()).isFalse();
    }

    @Test
    void closingTheClientCancelsAReadAheadInFlight() {
        append(200);
        StrataClient store = clientThroughProxy(Duration.ofSeconds(30));
        proxy.hold(call -> call >= 4); // the fourth page and the fifth, guessed
        ReadAllOptions fourth = readThreePages(store);
        await().until(() -> proxy.requests().size() == 5);

        store.close();

        await().atMost(Duration.ofSeconds(3)).until(() -> proxy.cancelledWhileHeld() == 2);
        assertThat(store.readAhead().holdsPrefetch()).isFalse();
        assertThat(catchThrowable(() -> store.readAll(fourth))).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("is closed");
    }
}
