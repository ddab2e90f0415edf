package io.strata.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.Futures;
import io.strata.core.InvalidRequestException;
import io.strata.core.ReadStreamOptions;
import io.strata.core.TooLargeException;
import io.strata.core.WrongExpectedRevisionException;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appends of many threads over the client's shared AppendStream calls (AppendStreams), against a
 * real server: every append answered with its own result, a rejected or oversized append failing alone,
 * and a server that dies failing what was pending, with the client appending again once a server is back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedAppendStreamTest {
    @TempDir
    Path tempDir;
    private ServedClient served;

    @AfterEach
    void closeServer() {
        if (served != null) {
            served.close();
        }
    }

    @Test
    void sixtyFourThreadsShareAFewStreamsAndEachAppendGetsItsOwnResult() throws Exception {
        served = ServedClient.start(tempDir, config -> config);
        StrataClient client = served.client();
        int threads = 64;
        int appendsEach = 500;
        Map<Integer, List<AppendResult>> results = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            appenders.add(Thread.ofPlatform().start(() -> {
                List<AppendResult> mine = new ArrayList<>();
                try {
                    for (int i = 0; i < appendsEach; i++) {
                        ExpectedRevision expected = i == 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(i - 1);
                        mine.add(client.append("t-" + thread, expected, event(thread * appendsEach + i)));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                results.put(thread, mine);
            }));
        }
        for (Thread appender : appenders) {
            appender.join();
        }

        assertThat(failure.get()).isNull();
        Set<Long> positions = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            List<AppendResult> mine = results.get(t);
            assertThat(mine).hasSize(appendsEach);
            for (int i = 0; i < appendsEach; i++) {
                assertThat(mine.get(i).stream()).isEqualTo("t-" + t);
                assertThat(mine.get(i).firstRevision()).as("thread %d append %d", t, i).isEqualTo(i);
                positions.add(mine.get(i).firstPosition().value());
            }
        }
        assertThat(positions).as("every append landed at a position of its own").hasSize(threads * appendsEach);
        assertThat(served.info().events()).isEqualTo(threads * appendsEach);
        AppendStreams.Counts counts = client.appendCounts();
        assertThat(counts.streamedAppends()).isEqualTo(threads * appendsEach);
        assertThat(counts.unaryAppends()).isZero();
        assertThat(counts.streamsOpened()).isEqualTo(StrataClient.Builder.DEFAULT_APPEND_STREAMS);
    }

    @Test
    void oneThreadsAppendsAreAppliedInTheOrderItMadeThem() {
        served = ServedClient.start(tempDir, config -> config);
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            // Not waiting for one before sending the next: each one's expectation holds only if every
            // earlier one was applied first.
            ExpectedRevision expected = i == 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(i - 1);
            futures.add(served.client().appendAsync("ordered-1", expected, event(i)));
        }

        for (int i = 0; i < futures.size(); i++) {
            assertThat(Futures.join(futures.get(i)).firstRevision()).isEqualTo(i);
        }
    }

    @Test
    void aRejectedInvalidOrOversizedAppendFailsOnlyItsOwnFuture() throws Exception {
        int maxRequestBytes = 256 << 10;
        served = ServedClient.start(tempDir, config -> config.maxRequestBytes(maxRequestBytes));
        StrataClient client = served.client();
        client.append("s-1", ExpectedRevision.NO_STREAM, event(0));
        List<CompletableFuture<AppendResult>> others = new CopyOnWriteArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            senders.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 300; i++) {
                    others.add(client.appendAsync("other-" + thread, ExpectedRevision.ANY, event(i)));
                }
            }));
        }
        CompletableFuture<AppendResult> oversized = client.appendAsync("s-1", ExpectedRevision.ANY,
                List.of(EventData.builder("Big").data(new byte[maxRequestBytes + 1_000]).build()));
        CompletableFuture<AppendResult> wrongRevision = client.appendAsync("s-1", ExpectedRevision.exactly(7), event(1));
        CompletableFuture<AppendResult> invalid = client.appendAsync("", ExpectedRevision.ANY, event(2));
        for (Thread sender : senders) {
            sender.join();
        }

        Throwable tooLarge = catchThrowable(() -> Futures.join(oversized));
        assertThat(tooLarge).isInstanceOf(TooLargeException.class);
        assertThat(((TooLargeException) tooLarge).limit()).isEqualTo(maxRequestBytes);
        assertThat(((TooLargeException) tooLarge).actual()).isGreaterThan(maxRequestBytes);
        assertThat(catchThrowable(() -> Futures.join(wrongRevision))).isInstanceOf(WrongExpectedRevisionException.class);
        assertThat(catchThrowable(() -> Futures.join(invalid))).isInstanceOf(InvalidRequestException.class);
        assertThat(others).hasSize(8 * 300).allSatisfy(f -> assertThat(Futures.join(f)).isNotNull());
        // The same streams carried on: none broke, none was replaced.
        assertThat(client.append("s-1", ExpectedRevision.exactly(0), event(3)).firstRevision()).isEqualTo(1);
        assertThat(client.appendCounts().streamsOpened()).isLessThanOrEqualTo(StrataClient.Builder.DEFAULT_APPEND_STREAMS);
        assertThat(client.readStream("s-1", ReadStreamOptions.forwards()).events()).hasSize(2);
    }

    @Test
    void anAppendOverOneMebibyteGoesAsAUnaryCall() {
        served = ServedClient.start(tempDir, config -> config);
        List<EventData> big = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            big.add(EventData.builder("Big").data(new byte[600 << 10]).build());
        }

        assertThat(served.client().append("big-1", ExpectedRevision.NO_STREAM, big).lastRevision()).isEqualTo(2);
        assertThat(served.client().appendCounts().unaryAppends()).isEqualTo(1);
        assertThat(served.client().appendCounts().streamedAppends()).isZero();
    }

    @Test
    void aKilledServerFailsThePendingAppendsAndTheClientAppendsAgainOnceAServerIsBack() throws Exception {
        Path folder = tempDir.resolve("store");
        ServerProcess process = ServerProcess.start(folder, Durability.FSYNC);
        String address = process.address();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        Map<String, Long> acknowledged = new ConcurrentHashMap<>(); // stream -> last acknowledged revision
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicLong acks = new AtomicLong();
        try (process; StrataClient client = StrataClient.connect(address)) {
            List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                String stream = "k-" + t;
                appenders.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; ; i++) {
                        try {
                            AppendResult result = client.append(stream, ExpectedRevision.ANY, event(i));
                            acknowledged.put(stream, result.lastRevision());
                            acks.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                            return;
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acks.get() >= 2_000);

            process.kill();
            for (Thread appender : appenders) {
                appender.join(Duration.ofSeconds(60));
            }

            assertThat(failures).hasSize(16).allSatisfy(e -> assertThat(e).isInstanceOf(ServerConnectionException.class)
                    .hasMessageContaining(address));
            assertThat(failures).as("appends waiting for their answer when the server died")
                    .anySatisfy(e -> assertThat(e).isExactlyInstanceOf(ServerUnavailableException.class));

            try (StrataServer restarted = StrataServer.start(ServerConfig.builder(folder).httpPort(0).grpcPort(port)
                    .durability(Durability.FSYNC).memtableEntries(ServedClient.MEMTABLE_ENTRIES).build())) {
                // The broken streams are gone: the next append opens a new one, on a new connection.
                await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(ConnectionRefusedException.class)
                        .until(() -> client.append("after-1", ExpectedRevision.ANY, event(0)) != null);
                for (Map.Entry<String, Long> stream : acknowledged.entrySet()) {
                    assertThat(client.readStream(stream.getKey(), ReadStreamOptions.backwards()).lastRevision())
                            .as("every acknowledged append of %s survived the kill", stream.getKey())
                            .isGreaterThanOrEqualTo(stream.getValue());
                }
            }
        }
    }

    private static List<EventData> event(int i) {
        return List.of(EventData.builder("Appended").id(UUID.randomUUID()).data(("{\"i\":" + i + "}").getBytes(UTF_8)).build());
    }
}
