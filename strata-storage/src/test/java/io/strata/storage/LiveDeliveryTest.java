package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.NonBlockingListener;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live events of listeners that take them without blocking ({@link NonBlockingListener}) come from the
 * store's one live delivery thread; a refused event and those after it come through {@code onEvent} on
 * the subscription's own thread, with no gap and no duplicate either way; a slow listener holds up only
 * itself; a listener that throws, a close and a store close end the subscription as they do otherwise.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LiveDeliveryTest {
    private static final String DELIVERY_THREAD = "strata-live-delivery";

    @TempDir
    Path temp;
    private EmbeddedEventStore store;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void everyLiveSubscriberGetsEveryEventInOrderFromTheDeliveryThread() throws Exception {
        open();
        append(5); // history
        List<Recorder> recorders = caughtUpSubscribers(20, offered -> true);
        appendConcurrently(4, 250);

        for (Recorder recorder : recorders) {
            recorder.awaitPositions(1_005);
            recorder.assertPositionsInOrder(1_005);
            assertThat(recorder.offersTaken.get()).as("live events offered").isGreaterThan(0);
            assertThat(recorder.offerThreads).containsOnly(DELIVERY_THREAD);
            assertThat(recorder.error.get()).isNull();
        }
    }

    @Test
    void aStreamSubscriberGetsItsStreamsEventsFromTheDeliveryThread() throws Exception {
        open();
        store.append("t-0", ExpectedRevision.ANY, List.of(event())); // history: revision 0
        Recorder recorder = new Recorder(offered -> true);
        store.subscribeToStream("t-0", 0, recorder);
        recorder.awaitCaughtUp();
        appendConcurrently(4, 250); // t-0 gets 250 more, among 750 of other streams

        recorder.awaitPositions(251);
        assertThat(recorder.events()).extracting(RecordedEvent::stream).containsOnly("t-0");
        assertThat(recorder.events()).extracting(RecordedEvent::revision).as("every revision once, in order")
                .containsExactlyElementsOf(LongStream.range(0, 251).boxed().toList());
        assertThat(recorder.offersTaken.get()).isEqualTo(250);
        assertThat(recorder.offerThreads).containsOnly(DELIVERY_THREAD);
    }

    @Test
    void refusedEventsComeThroughOnEventWithNoGapOrDuplicate() throws Exception {
        open();
        Random random = new Random(42);
        List<Recorder> recorders = caughtUpSubscribers(5, offered -> random.nextInt(3) == 0); // take about a third
        appendConcurrently(4, 500);

        for (Recorder recorder : recorders) {
            recorder.awaitPositions(2_000);
            recorder.assertPositionsInOrder(2_000);
            assertThat(recorder.offersTaken.get()).as("taken on the delivery thread").isGreaterThan(0);
            assertThat(recorder.liveOnEvents.get()).as("refused, then delivered through onEvent").isGreaterThan(0);
        }
    }

    @Test
    void aListenerThatWaitsHoldsUpOnlyItself() throws Exception {
        open();
        CountDownLatch release = new CountDownLatch(1);
        Recorder stuck = new Recorder(offered -> false) {
            @Override
            void onLiveEvent() {
                await(release);
            }
        };
        Recorder healthy = new Recorder(offered -> true);
        store.subscribeToAll(0, EventFilter.ALL, stuck);
        store.subscribeToAll(0, EventFilter.ALL, healthy);
        stuck.awaitCaughtUp();
        healthy.awaitCaughtUp();

        append(300);
        healthy.awaitPositions(300);
        assertThat(stuck.positions()).as("the stuck one waits in its first onEvent").isEmpty();

        release.countDown();
        stuck.awaitPositions(300);
        stuck.assertPositionsInOrder(300);
        healthy.assertPositionsInOrder(300);
    }

    @Test
    void anOfferThatThrowsEndsOnlyItsSubscription() throws Exception {
        open();
        IllegalStateException thrown = new IllegalStateException("listener bug");
        Recorder failing = new Recorder(offered -> {
            throw thrown;
        });
        Recorder healthy = new Recorder(offered -> true);
        Subscription failed = store.subscribeToAll(0, EventFilter.ALL, failing);
        store.subscribeToAll(0, EventFilter.ALL, healthy);
        failing.awaitCaughtUp();
        healthy.awaitCaughtUp();

        append(10);
        await(() -> failing.error.get() != null, "the failing subscriber told");
        assertThat(failing.error.get()).isSameAs(thrown);
        await(() -> !failed.isActive(), "the failing subscription ended");
        append(10);
        healthy.awaitPositions(20);
        healthy.assertPositionsInOrder(20);
    }

    @Test
    void nothingIsDeliveredAfterCloseReturns() throws Exception {
        open();
        Recorder recorder = new Recorder(offered -> true);
        Subscription subscription = store.subscribeToAll(0, EventFilter.ALL, recorder);
        recorder.awaitCaughtUp();
        CompletableFuture<Void> appending = CompletableFuture.runAsync(() -> append(2_000));
        recorder.awaitPositions(100);

        subscription.close();
        int seenAtClose = recorder.positions().size();
        appending.join();
        append(10);
        Thread.sleep(100);

        assertThat(recorder.positions()).as("nothing after close returned").hasSize(seenAtClose);
        assertThat(subscription.isActive()).isFalse();
    }

    @Test
    void closingTheStoreEndsLiveSubscribersWithStoreUnavailable() throws Exception {
        open();
        Recorder recorder = new Recorder(offered -> true);
        store.subscribeToAll(0, EventFilter.ALL, recorder);
        recorder.awaitCaughtUp();
        append(3);
        recorder.awaitPositions(3);

        store.close();
        store = null;

        await(() -> recorder.error.get() != null, "the subscriber told of the close");
        assertThat(recorder.error.get()).isInstanceOf(StoreUnavailableException.class);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).doesNotContain(DELIVERY_THREAD);
    }

    // ---- helpers

    private void open() {
        store = EmbeddedEventStore.open(StoreConfig.builder(temp.resolve("store")).durability(Durability.BATCHED).build());
    }

    /** {@code count} subscribers to {@code $all} from the start, each taking what {@code takes} says; once all are caught up. */
    private List<Recorder> caughtUpSubscribers(int count, Predicate<RecordedEvent> takes) throws InterruptedException {
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Recorder recorder = new Recorder(takes);
            recorders.add(recorder);
            store.subscribeToAll(0, EventFilter.ALL, recorder);
        }
        for (Recorder recorder : recorders) {
            recorder.awaitCaughtUp();
        }
        return recorders;
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            store.append("s-" + i % 7, ExpectedRevision.ANY, List.of(event()));
        }
    }

    private void appendConcurrently(int threads, int eachAppends) throws InterruptedException {
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            appenders.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < eachAppends; i++) {
                    store.append("t-" + thread, ExpectedRevision.ANY, List.of(event()));
                }
            }));
        }
        for (Thread appender : appenders) {
            appender.join();
        }
    }

    private static EventData event() {
        return EventData.json("Happened", "{}".getBytes(StandardCharsets.UTF_8));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records the positions it is handed; takes an offered event when {@code takes} says so. */
    private static class Recorder implements NonBlockingListener {
        private final Predicate<RecordedEvent> takes;
        private final List<RecordedEvent> events = new ArrayList<>();
        private final CountDownLatch caughtUp = new CountDownLatch(1);
        final AtomicInteger offersTaken = new AtomicInteger();
        final AtomicInteger liveOnEvents = new AtomicInteger();
        final Set<String> offerThreads = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        Recorder(Predicate<RecordedEvent> takes) {
            this.takes = takes;
        }

        /** Called in onEvent for a live event, before it is recorded. */
        void onLiveEvent() {
        }

        @Override
        public boolean offer(RecordedEvent event) {
            offerThreads.add(Thread.currentThread().getName());
            if (!takes.test(event)) {
                return false;
            }
            offersTaken.incrementAndGet();
            record(event);
            return true;
        }

        @Override
        public void onEvent(RecordedEvent event) {
            if (caughtUp.getCount() == 0) {
                onLiveEvent();
                liveOnEvents.incrementAndGet();
            }
            record(event);
        }

        @Override
        public void onCaughtUp() {
            caughtUp.countDown();
        }

        @Override
        public void onError(Throwable failure) {
            error.set(failure);
        }

        private synchronized void record(RecordedEvent event) {
            events.add(event);
        }

        synchronized List<RecordedEvent> events() {
            return List.copyOf(events);
        }

        synchronized List<Long> positions() {
            return events.stream().map(event -> event.position().value()).toList();
        }

        void awaitCaughtUp() throws InterruptedException {
            assertThat(caughtUp.await(30, TimeUnit.SECONDS)).as("caught up").isTrue();
        }

        void awaitPositions(int count) throws InterruptedException {
            await(() -> positions().size() >= count, count + " events delivered");
        }

        void assertPositionsInOrder(int count) {
            List<Long> expected = new ArrayList<>();
            for (long p = 0; p < count; p++) {
                expected.add(p);
            }
            assertThat(positions()).as("every position once, in order").isEqualTo(expected);
        }
    }
}
