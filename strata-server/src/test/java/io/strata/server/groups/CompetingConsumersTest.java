package io.strata.server.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.storage.EmbeddedEventStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight competing consumers over 200 streams × 50 events, failing at random: nack retry (with and
 * without delay), skip, park, or hang until the ack timeout. Checked against a model of what each
 * consumer did. The seed fixes the data and each consumer's decisions (not the thread schedule); it
 * is printed with every failure, and {@code -Dstrata.groups.seed=…} repeats it.
 */
class CompetingConsumersTest {
    private static final int STREAMS = 200;
    private static final int EVENTS_PER_STREAM = 50;
    private static final int CONSUMERS = 8;
    private static final int MAX_DELIVERIES = 4;
    private static final Duration ACK_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private EmbeddedEventStore store;
    private ConsumerGroups groups;
    private long seed;

    enum Outcome { ACKED, SKIPPED, PARKED }

    /** What the consumers did to one event. */
    static final class EventModel {
        /** Final actions announced (before being sent) and not refused: ack, skip, park, or a failure at maxDeliveries. */
        final AtomicInteger finalIntents = new AtomicInteger();
        final AtomicReference<Outcome> outcome = new AtomicReference<>();
        final AtomicInteger deliveries = new AtomicInteger();
        volatile long position;
    }

    @BeforeEach
    void open() {
        seed = Long.getLong("strata.groups.seed", System.nanoTime());
        store = GroupTestSupport.openStore(dir);
        groups = ConsumerGroups.open(store, dir, GroupTestSupport.quickCheckpoints());
    }

    @AfterEach
    void close() {
        groups.close();
        store.close();
    }

    @Test
    void perStreamOrderIsNeverViolatedAndEveryEventEndsAsDecided() throws Exception {
        run(Ordering.PER_STREAM);
    }

    @Test
    void orderingNoneDeliversEveryEventAndEachEndsAsDecided() throws Exception {
        run(Ordering.NONE);
    }

    private void run(Ordering ordering) throws Exception {
        Random random = new Random(seed);
        Map<String, EventModel> model = appendInterleaved(random);
        ConsumerGroup group = groups.create("g", GroupSettings.of(GroupSource.all()).withStart(StartFrom.START)
                .withOrdering(ordering).withMaxDeliveries(MAX_DELIVERIES).withAckTimeout(ACK_TIMEOUT)).group();
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> crashed = new AtomicReference<>();
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            Consumer consumer = new Consumer("c" + c, new Random(seed + c + 1), group, model, ordering, violations);
            consumers.add(Thread.ofPlatform().name("consumer-" + c).start(() -> {
                try {
                    consumer.run();
                } catch (Throwable t) {
                    crashed.compareAndSet(null, t);
                }
            }));
        }

        try {
            await("all events finished (seed " + seed + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> crashed.get() != null || (group.status().lag() == 0 && group.status().inFlight() == 0));
        } finally {
            consumers.forEach(Thread::interrupt);
            for (Thread t : consumers) {
                t.join(10_000);
            }
        }

        assertThat(crashed.get()).as("seed %d", seed).isNull();
        assertThat(violations).as("seed %d", seed).isEmpty();
        assertThat(model.values()).as("every event delivered and finished once (seed %d)", seed)
                .allSatisfy(m -> {
                    assertThat(m.deliveries.get()).isPositive();
                    assertThat(m.outcome.get()).isNotNull();
                });
        Set<Long> expectedParked = model.values().stream().filter(m -> m.outcome.get() == Outcome.PARKED)
                .map(m -> m.position).collect(Collectors.toCollection(TreeSet::new));
        List<Long> parked = group.parked(ConsumerGroup.MAX_PARKED_LIMIT).stream().map(p -> p.event().position().value()).toList();
        assertThat(parked).as("parked exactly as decided (seed %d)", seed).containsExactlyElementsOf(expectedParked);
        assertThat(group.status().parked()).isEqualTo(expectedParked.size());
        assertThat(expectedParked).as("the random failures did park some (seed %d)", seed).isNotEmpty();
    }

    /** Appends every stream's events in random interleaving, 1 to 3 at a time. */
    private Map<String, EventModel> appendInterleaved(Random random) {
        int[] appended = new int[STREAMS];
        List<Integer> open = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
            open.add(s);
        }
        Map<String, EventModel> model = new ConcurrentHashMap<>();
        while (!open.isEmpty()) {
            int pick = random.nextInt(open.size());
            int s = open.get(pick);
            int n = Math.min(1 + random.nextInt(3), EVENTS_PER_STREAM - appended[s]);
            List<EventData> events = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                events.add(EventData.json("Happened", ("{\"n\":" + (appended[s] + i) + "}").getBytes(StandardCharsets.UTF_8)));
            }
            var result = store.append("s-" + s, ExpectedRevision.ANY, events);
            for (int i = 0; i < n; i++) {
                EventModel m = new EventModel();
                m.position = result.firstPosition().value() + i;
                model.put("s-" + s + "@" + (appended[s] + i), m);
            }
            appended[s] += n;
            if (appended[s] == EVENTS_PER_STREAM) {
                open.remove(pick);
            }
        }
        return model;
    }

    private record Consumer(String name, Random random, ConsumerGroup group, Map<String, EventModel> model,
                            Ordering ordering, Queue<String> violations) {
        void run() {
            while (!Thread.currentThread().isInterrupted()) {
                for (Message m : group.fetch(name, 1 + random.nextInt(20), Duration.ofMillis(50))) {
                    handle(m);
                }
            }
        }

        private void handle(Message m) {
            String key = GroupTestSupport.key(m);
            EventModel event = model.get(key);
            event.deliveries.incrementAndGet();
            long revision = m.event().revision();
            if (ordering == Ordering.PER_STREAM && revision > 0) {
                EventModel previous = model.get(m.event().stream() + "@" + (revision - 1));
                if (previous.finalIntents.get() == 0) {
                    violations.add(key + " (delivery " + m.deliveryCount() + ") was delivered while revision " + (revision - 1)
                            + " of its stream was unfinished");
                }
            }
            boolean last = m.deliveryCount() == MAX_DELIVERIES;
            int roll = random.nextInt(100);
            List<String> ids = List.of(m.ackId());
            if (roll < 70) {
                finalAction(event, last, Outcome.ACKED, () -> group.ack(ids).acked() == 1);
            } else if (roll < 78) {
                failure(event, last, () -> group.nack(ids, NackAction.RETRY, Duration.ZERO));
            } else if (roll < 84) {
                failure(event, last, () -> group.nack(ids, NackAction.RETRY, Duration.ofMillis(random.nextInt(20))));
            } else if (roll < 89) {
                finalAction(event, last, Outcome.SKIPPED, () -> group.nack(ids, NackAction.SKIP, Duration.ZERO).nacked() == 1);
            } else if (roll < 92) {
                finalAction(event, last, Outcome.PARKED, () -> group.nack(ids, NackAction.PARK, Duration.ZERO).nacked() == 1);
            } else if (roll < 96) {
                failure(event, last, () -> { }); // hang on it: the ack timeout gives it to someone else
            } else {
                // Slow but in time: other streams go on meanwhile.
                try {
                    Thread.sleep(random.nextInt(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finalAction(event, last, Outcome.ACKED, () -> group.ack(ids).acked() == 1);
            }
        }

        /** Ack, skip or park: announced first, so a delivery of the next revision can check it. */
        private void finalAction(EventModel event, boolean last, Outcome outcome, java.util.function.BooleanSupplier send) {
            event.finalIntents.incrementAndGet();
            if (send.getAsBoolean()) {
                settle(event, outcome);
            } else if (last) {
                settle(event, Outcome.PARKED); // expired at its last delivery: the timeout parks it
            } else {
                event.finalIntents.decrementAndGet(); // expired: it will be delivered again
            }
        }

        /** A failed delivery: parks the event when it was the last one allowed. */
        private void failure(EventModel event, boolean last, Runnable send) {
            if (last) {
                event.finalIntents.incrementAndGet();
                send.run();
                settle(event, Outcome.PARKED);
            } else {
                send.run();
            }
        }

        private void settle(EventModel event, Outcome outcome) {
            if (!event.outcome.compareAndSet(null, outcome)) {
                violations.add("event at position " + event.position + " finished twice: " + event.outcome.get() + " then " + outcome);
            }
        }
    }
}
