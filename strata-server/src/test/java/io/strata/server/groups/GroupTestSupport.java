package io.strata.server.groups;

import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Shared helpers: a real embedded store in a temp folder, appends, fetch loops. */
final class GroupTestSupport {
    /** How long {@link #drainExpecting} waits for the messages it expects. */
    static final Duration EXPECTED_WITHIN = Duration.ofSeconds(10);

    private GroupTestSupport() {
    }

    static EmbeddedEventStore openStore(Path dataDirectory) {
        return EmbeddedEventStore.open(StoreConfig.builder(dataDirectory.resolve("store"))
                .durability(Durability.NONE).memtableEntries(4096).build());
    }

    static GroupsConfig quickCheckpoints() {
        return GroupsConfig.builder().checkpointInterval(Duration.ofMillis(50)).build();
    }

    static AppendResult append(EventStore store, String stream, String type, int count) {
        List<EventData> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(EventData.json(type, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        return store.append(stream, ExpectedRevision.ANY, events);
    }

    static AppendResult append(EventStore store, String stream, int count) {
        return append(store, stream, "Happened", count);
    }

    static List<String> ackIds(List<Message> messages) {
        return messages.stream().map(Message::ackId).toList();
    }

    /** Fetches (and does not ack) until {@code count} messages arrived or {@code timeout} passed. */
    static List<Message> fetchAtLeast(ConsumerGroup group, String consumer, int count, Duration timeout) {
        List<Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            got.addAll(group.fetch(consumer, ConsumerGroup.MAX_FETCH, Duration.ofMillis(100)));
        }
        return got;
    }

    /**
     * Fetches and acks until {@code expected} messages came, however long a loaded machine makes that
     * (up to {@link #EXPECTED_WITHIN}), then on until nothing more comes for {@code quiet}: what a test
     * that asserts the exact messages needs. A plain {@link #drain} stops at the first quiet window, so a
     * dispatcher slower than that window under load would look like a missing message.
     */
    static List<Message> drainExpecting(ConsumerGroup group, String consumer, int expected, Duration quiet) {
        List<Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + EXPECTED_WITHIN.toNanos();
        while (got.size() < expected && System.nanoTime() < deadline) {
            List<Message> batch = group.fetch(consumer, ConsumerGroup.MAX_FETCH, Duration.ofMillis(100));
            if (!batch.isEmpty()) {
                got.addAll(batch);
                group.ack(ackIds(batch));
            }
        }
        got.addAll(drain(group, consumer, quiet));
        return got;
    }

    /** Fetches and acks everything deliverable until nothing comes for {@code quiet}. */
    static List<Message> drain(ConsumerGroup group, String consumer, Duration quiet) {
        List<Message> got = new ArrayList<>();
        while (true) {
            List<Message> batch = group.fetch(consumer, ConsumerGroup.MAX_FETCH, quiet);
            if (batch.isEmpty()) {
                return got;
            }
            got.addAll(batch);
            group.ack(ackIds(batch));
        }
    }

    /** Runs {@code work} on a thread of its own (the common pool has one thread on a 2-core machine). */
    static <T> CompletableFuture<T> inNewThread(Supplier<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                future.complete(work.get());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        return future;
    }

    static String key(Message message) {
        return message.event().stream() + "@" + message.event().revision();
    }
}
