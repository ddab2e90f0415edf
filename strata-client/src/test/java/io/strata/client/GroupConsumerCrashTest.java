package io.strata.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.client.ConsumerGroupSettings.Source;
import io.strata.client.ConsumerGroupSettings.Start;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.RecordedEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link GroupConsumer} whose server is killed with SIGKILL mid-consumption and started again on the
 * same folder and port. The decision this test holds the consumer to: it reconnects by itself (with
 * backoff), loses no event, and handles again only events whose ack was not durable when the server died.
 */
class GroupConsumerCrashTest {
    private static final Pattern CHECKPOINT_POSITION = Pattern.compile("\"position\"\\s*:\\s*(\\d+)");

    @TempDir
    Path dir;

    private record Handled(String stream, long revision, long position) {
    }

    @Test
    void theConsumerReconnectsAfterAServerKillAndLosesNothing() throws Exception {
        int port = freePort();
        String address = "127.0.0.1:" + port;
        int streams = 20;
        int perStream = 50;
        int concurrency = 4;
        GroupServerProcess server = GroupServerProcess.start(dir, port);
        GroupConsumer consumer = null;
        try {
            try (StrataClient store = StrataClient.connect(address); ConsumerGroupClient groups = ConsumerGroupClient.connect(address)) {
                for (int from = 0; from < perStream; from += 5) {
                    for (int s = 0; s < streams; s++) {
                        List<EventData> batch = new ArrayList<>();
                        for (int r = from; r < from + 5; r++) {
                            batch.add(EventData.json("Happened", ("{\"n\":" + r + "}").getBytes(UTF_8)));
                        }
                        store.append("s-" + s, ExpectedRevision.ANY, batch);
                    }
                }
                groups.create("billing", ConsumerGroupSettings.of(Source.all()).withStart(Start.START));
            }

            List<Handled> handled = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger started = new AtomicInteger();
            List<Handled> held = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch killed = new CountDownLatch(1);
            consumer = GroupConsumer.builder(address, "billing").concurrency(concurrency).prefetch(32).handler(event -> {
                if (started.incrementAndGet() > 300 && killed.getCount() > 0) {
                    held.add(handled(event)); // running when the server dies: its ack will be lost
                    killed.await();
                }
                handled.add(handled(event));
            }).start();

            await().atMost(Duration.ofSeconds(60)).until(() -> held.size() == concurrency);
            // Let the group make some acks durable first, so that "only what was not durable comes again" means something.
            await().atMost(Duration.ofSeconds(30)).until(() -> durableCheckpoint() > 0);
            server.kill();
            long durableCheckpoint = durableCheckpoint();
            killed.countDown();
            server = GroupServerProcess.start(dir, port);

            GroupConsumer running = consumer;
            try (ConsumerGroupClient groups = ConsumerGroupClient.connect(address)) {
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    assertThat(running.isRunning()).isTrue();
                    assertThat(groups.get("billing").lag()).isZero();
                });
            }
            assertThat(consumer.stats().reconnects()).isGreaterThanOrEqualTo(1);

            List<Handled> all;
            synchronized (handled) {
                all = List.copyOf(handled);
            }
            Set<String> seen = new HashSet<>();
            Map<String, Long> nextRevision = new HashMap<>();
            List<Handled> duplicates = new ArrayList<>();
            for (Handled h : all) {
                if (!seen.add(h.stream() + "@" + h.revision())) {
                    duplicates.add(h);
                    continue;
                }
                long expected = nextRevision.getOrDefault(h.stream(), 0L);
                assertThat(h.revision()).as("first handlings of %s in revision order", h.stream()).isEqualTo(expected);
                nextRevision.put(h.stream(), expected + 1);
            }
            assertThat(seen).as("no event lost").hasSize(streams * perStream);
            assertThat(duplicates).as("handled again: only events not durably acked when the server died (checkpoint %s)",
                    durableCheckpoint).allSatisfy(h -> assertThat(h.position()).isGreaterThanOrEqualTo(durableCheckpoint));
            assertThat(duplicates).as("the handlers running at the kill lost their acks: their events came again")
                    .containsAll(held);
        } finally {
            if (consumer != null) {
                consumer.close();
            }
            server.close();
        }
    }

    private static Handled handled(RecordedEvent event) {
        return new Handled(event.stream(), event.revision(), event.position().value());
    }

    /** The group's checkpoint as the killed server left it on disk. */
    private long durableCheckpoint() throws IOException {
        Path file = dir.resolve("groups").resolve("billing").resolve("checkpoint.json");
        if (!Files.exists(file)) {
            return 0;
        }
        String json = Files.readString(file);
        Matcher position = CHECKPOINT_POSITION.matcher(json);
        assertThat(position.find()).as("checkpoint.json: %s", json).isTrue();
        return Long.parseLong(position.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
