package io.strata.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.client.ConsumerGroupSettings.Source;
import io.strata.client.ConsumerGroupSettings.Start;
import io.strata.core.Durability;
import io.strata.core.ErrorCode;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.RecordedEvent;
import io.strata.core.StrataException;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link GroupConsumer} against a real server in this JVM: handling, retries, parking, ordering, stopping. */
class GroupConsumerTest {
    @TempDir
    Path dir;

    private StrataServer server;
    private StrataClient store;
    private ConsumerGroupClient groups;

    @BeforeEach
    void start() {
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).grpcPort(0).durability(Durability.NONE)
                .memtableEntries(4096).build());
        store = StrataClient.connect(address());
        groups = ConsumerGroupClient.connect(address());
    }

    @AfterEach
    void stop() {
        groups.close();
        store.close();
        server.close();
    }

    private String address() {
        return ServedClient.address(server);
    }

    @Test
    void eightConsumersHandleEveryEventOncePerStreamInOrderRetryFailuresAndParkThePoison() throws Exception {
        int streams = 100;
        int perStream = 100;
        appendInterleaved(streams, perStream);
        int maxDeliveries = 4;
        groups.create("billing", ConsumerGroupSettings.of(Source.all()).withStart(Start.START).withMaxDeliveries(maxDeliveries));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        double firstAttemptFailure = 0.2;
        String poison = "s-7@50";

        Map<String, List<Long>> succeeded = new ConcurrentHashMap<>();  // stream → revisions, in the order handled
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();  // stream → handlers running now
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicInteger poisonAttempts = new AtomicInteger();
        ConsumerMessageHandler handler = message -> {
            RecordedEvent event = message.event();
            AtomicInteger now = running.computeIfAbsent(event.stream(), s -> new AtomicInteger());
            if (now.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            try {
                if ((event.stream() + "@" + event.revision()).equals(poison)) {
                    poisonAttempts.incrementAndGet();
                    throw new IllegalStateException("poison");
                }
                boolean fail;
                synchronized (random) {
                    fail = random.nextDouble() < firstAttemptFailure;
                }
                if (fail && message.deliveryCount() == 1) {
                    throw new IllegalStateException("a transient failure");
                }
                succeeded.computeIfAbsent(event.stream(), s -> Collections.synchronizedList(new ArrayList<>())).add(event.revision());
            } finally {
                now.decrementAndGet();
            }
        };

        List<GroupConsumer> consumers = new ArrayList<>();
        try {
            for (int c = 0; c < 8; c++) {
                consumers.add(groups.consumer("billing").consumerName("billing-" + c).concurrency(2).prefetch(16)
                        .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                        .messageHandler(handler).start());
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                ConsumerGroupStatus status = groups.get("billing");
                assertThat(status.lag()).as("seed %s", seed).isZero();
                assertThat(status.parked()).isEqualTo(1);
            });
        } finally {
            consumers.forEach(GroupConsumer::close);
        }

        assertThat(overlapped).as("two handlers of one stream at once (seed %s)", seed).isFalse();
        for (int s = 0; s < streams; s++) {
            List<Long> expected = IntStream.range(0, perStream).mapToObj(r -> (long) r).toList();
            if (s == 7) {
                expected = expected.stream().filter(r -> r != 50).toList();
            }
            assertThat(succeeded.get("s-" + s)).as("s-%s: each event once, in order (seed %s)", s, seed).containsExactlyElementsOf(expected);
        }
        long failures = consumers.stream().mapToLong(c -> c.stats().failed()).sum();
        assertThat(failures).as("transient failures were retried").isGreaterThan(100);
        assertThat(poisonAttempts).as("the poison was delivered maxDeliveries times").hasValue(maxDeliveries);
        assertThat(groups.parked("billing", 10)).singleElement().satisfies(parked -> {
            assertThat(parked.event().stream() + "@" + parked.event().revision()).isEqualTo(poison);
            assertThat(parked.reason()).isEqualTo(ConsumerParkedMessage.Reason.MAX_DELIVERIES);
            assertThat(parked.deliveryCount()).isEqualTo(maxDeliveries);
        });
    }

    @Test
    void closeLetsRunningHandlersFinishAcksThemAndGivesTheRestBack() throws Exception {
        int events = 40;
        for (int s = 0; s < events; s++) {
            store.append("order-" + s, ExpectedRevision.ANY, List.of(event(s)));
        }
        groups.create("billing", ConsumerGroupSettings.of(Source.all()).withStart(Start.START)); // ack timeout 30 s
        CountDownLatch release = new CountDownLatch(1);
        Set<String> handledByFirst = ConcurrentHashMap.newKeySet();
        AtomicInteger started = new AtomicInteger();
        GroupConsumer first = groups.consumer("billing").concurrency(4).prefetch(16).handler(event -> {
            started.incrementAndGet();
            release.await();
            handledByFirst.add(event.stream());
        }).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.get("billing").inFlight() == 16);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close, runnable -> Thread.ofVirtual().start(runnable));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.done().isDone() || !first.isRunning());
        assertThat(closing).as("close waits for the running handlers").isNotDone();
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);

        assertThat(handledByFirst).as("only the running handlers finished").hasSize(4);
        ConsumerGroupStatus afterClose = groups.get("billing");
        assertThat(afterClose.lag()).as("their acks reached the server before close returned").isEqualTo(events - 4);
        assertThat(afterClose.inFlight()).as("the 12 prefetched and not started were given back").isZero();

        Set<String> handledBySecond = ConcurrentHashMap.newKeySet();
        Set<Integer> deliveryCounts = ConcurrentHashMap.newKeySet();
        try (GroupConsumer second = groups.consumer("billing").messageHandler(message -> {
            handledBySecond.add(message.event().stream());
            deliveryCounts.add(message.deliveryCount());
        }).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> groups.get("billing").lag() == 0);
        }
        assertThat(handledBySecond).hasSize(events - 4).doesNotContainAnyElementsOf(handledByFirst);
        assertThat(deliveryCounts).as("the first consumer never started them: its deliveries do not count").containsExactly(1);
    }

    @Test
    void startFailsClearlyForAnUnknownGroupAndAnUnreachableServer() throws IOException {
        assertThatThrownBy(() -> GroupConsumer.builder(address(), "nobody").handler(event -> { }).start())
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("nobody");
                });
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> GroupConsumer.builder("127.0.0.1:" + freePort, "billing").handler(event -> { }).start())
                .isInstanceOf(ConnectionRefusedException.class);
    }

    @Test
    void deletingTheGroupStopsItsConsumersWithNotFound() throws Exception {
        groups.create("doomed", ConsumerGroupSettings.of(Source.stream("order-1")));
        GroupConsumer consumer = groups.consumer("doomed").handler(event -> { }).start();
        groups.delete("doomed");
        assertThatThrownBy(() -> consumer.done().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(consumer.isRunning()).isFalse();
        assertThat(consumer.failure()).get().extracting(StrataException::code).isEqualTo(ErrorCode.NOT_FOUND);
        consumer.close(); // after a failure: returns at once
    }

    @Test
    void aConsumerWhoseServerStaysAwayGivesUpAfterReconnectFor() throws Exception {
        groups.create("billing", ConsumerGroupSettings.of(Source.stream("order-1")));
        GroupConsumer consumer = GroupConsumer.builder(address(), "billing").reconnectFor(Duration.ofMillis(500))
                .handler(event -> { }).start();
        server.close(); // ends the consumer's stream UNAVAILABLE; nothing listens on the port afterwards

        assertThatThrownBy(() -> consumer.done().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ConnectionRefusedException.class);
        assertThat(consumer.isRunning()).isFalse();
        consumer.close();
    }

    @Test
    void retryDelaysDoubleUpToTheMaximum() {
        groups.create("billing", ConsumerGroupSettings.of(Source.stream("order-1")));
        try (GroupConsumer consumer = groups.consumer("billing").retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .handler(event -> { }).start()) {
            assertThat(consumer.retryDelay(1)).isEqualTo(Duration.ofMillis(100));
            assertThat(consumer.retryDelay(2)).isEqualTo(Duration.ofMillis(200));
            assertThat(consumer.retryDelay(4)).isEqualTo(Duration.ofMillis(800));
            assertThat(consumer.retryDelay(5)).isEqualTo(Duration.ofSeconds(1));
            assertThat(consumer.retryDelay(1000)).isEqualTo(Duration.ofSeconds(1));
        }
    }

    /** Streams s-0 … s-(n−1), their events interleaved in the log a few at a time. */
    private void appendInterleaved(int streams, int perStream) {
        for (int from = 0; from < perStream; from += 5) {
            for (int s = 0; s < streams; s++) {
                List<EventData> batch = new ArrayList<>();
                for (int r = from; r < from + 5; r++) {
                    batch.add(event(r));
                }
                store.append("s-" + s, ExpectedRevision.ANY, batch);
            }
        }
    }

    private static EventData event(int n) {
        return EventData.json("Happened", ("{\"n\":" + n + "}").getBytes(UTF_8));
    }
}
