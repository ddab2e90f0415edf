package io.strata.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StreamNotFoundException;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpEventStore}'s subscriptions survive the server going away: they reconnect with
 * {@code Last-Event-ID} to a new server on the same folder and port, and the listener gets every
 * event exactly once, in order, and hears nothing of the drop. A refusal (4xx) ends them.
 */
@Timeout(value = 60, unit = SECONDS)
class HttpEventStoreReconnectTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path folder;

    private StrataServer server;
    private HttpEventStore client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAllSubscriptionResumesAfterTheServerRestartsWithNoGapAndNoDuplicate() {
        server = start(0);
        int port = server.httpPort();
        client = HttpEventStore.connect(server.httpUrl());
        Recorder recorder = new Recorder();
        Subscription subscription = client.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, recorder);
        await().atMost(PATIENCE).until(() -> recorder.caughtUp.get() == 1);
        appendOver(client, "order-1", 3);
        await().atMost(PATIENCE).until(() -> recorder.events.size() == 3);

        server.close();
        appendWhileNoServerRuns("order-2", 2); // the log grows while the subscription is disconnected
        server = start(port);
        appendOver(client, "order-3", 3);

        await().atMost(PATIENCE).until(() -> recorder.events.size() >= 8);
        assertThat(recorder.positions()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(recorder.streams()).containsExactly(
                "order-1", "order-1", "order-1", "order-2", "order-2", "order-3", "order-3", "order-3");
        assertThat(recorder.errors).as("a drop is not an error").isEmpty();
        assertThat(recorder.caughtUp).as("caught up is said once, not after every reconnection").hasValue(1);
        assertThat(subscription.isActive()).isTrue();
    }

    @Test
    void aStreamSubscriptionResumesAfterTheLastRevisionItReceived() {
        server = start(0);
        int port = server.httpPort();
        client = HttpEventStore.connect(server.httpUrl());
        appendOver(client, "cart-7", 2);
        Recorder recorder = new Recorder();
        client.subscribeToStream("cart-7", 1, recorder);
        await().atMost(PATIENCE).until(() -> recorder.events.size() == 1);

        server.close();
        appendWhileNoServerRuns("cart-7", 2);
        appendWhileNoServerRuns("other", 1);
        server = start(port);
        appendOver(client, "cart-7", 1);

        await().atMost(PATIENCE).until(() -> recorder.events.size() >= 4);
        assertThat(recorder.events).extracting(RecordedEvent::revision).containsExactly(1L, 2L, 3L, 4L);
        assertThat(recorder.streams()).containsOnly("cart-7");
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void aSubscriptionFromTheEndThatHadReceivedNothingMissesNothingAppendedWhileItWasAway() {
        server = start(0);
        int port = server.httpPort();
        client = HttpEventStore.connect(server.httpUrl());
        appendOver(client, "before", 2);
        Recorder all = new Recorder();
        Recorder stream = new Recorder();
        client.subscribeToAll(ReadAllOptions.END, EventFilter.ALL, all);
        client.subscribeToStream("before", ReadStreamOptions.END, stream);
        await().atMost(PATIENCE).until(() -> all.caughtUp.get() == 1 && stream.caughtUp.get() == 1);

        server.close();
        appendWhileNoServerRuns("before", 1);
        server = start(port);

        await().atMost(PATIENCE).until(() -> all.events.size() == 1 && stream.events.size() == 1);
        assertThat(all.positions()).containsExactly(2L);
        assertThat(stream.events).extracting(RecordedEvent::revision).containsExactly(2L);
    }

    @Test
    void aSubscriptionFromTheEndOfAStreamThatDoesNotExistYetGetsItsFirstEvent() {
        server = start(0);
        client = HttpEventStore.connect(server.httpUrl());
        Recorder recorder = new Recorder();
        client.subscribeToStream("new-stream", ReadStreamOptions.END, recorder);
        await().atMost(PATIENCE).until(() -> recorder.caughtUp.get() == 1);

        appendOver(client, "new-stream", 1);

        await().atMost(PATIENCE).until(() -> recorder.events.size() == 1);
        assertThat(recorder.events.get(0).revision()).isZero();
    }

    @Test
    void aRefusalAfterADropEndsTheSubscriptionWithTheServersError() throws IOException {
        server = start(0);
        int port = server.httpPort();
        client = HttpEventStore.connect(server.httpUrl());
        Recorder recorder = new Recorder();
        Subscription subscription = client.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, recorder);
        await().atMost(PATIENCE).until(() -> recorder.caughtUp.get() == 1);

        server.close();
        server = null;
        AtomicInteger asked = new AtomicInteger();
        HttpServer refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        refusing.createContext("/", exchange -> {
            asked.incrementAndGet();
            byte[] body = "{\"error\":{\"code\":\"invalid_request\",\"message\":\"no such subscription here\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        refusing.start();
        try {
            await().atMost(PATIENCE).until(() -> !recorder.errors.isEmpty());
            assertThat(recorder.errors).singleElement().isInstanceOf(InvalidRequestException.class)
                    .extracting(Throwable::getMessage).isEqualTo("no such subscription here");
            assertThat(subscription.isActive()).isFalse();
            int askedWhenRefused = asked.get();
            await().during(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> asked.get() == askedWhenRefused);
        } finally {
            refusing.stop(0);
        }
    }

    @Test
    void aSubscriptionKeepsTryingWhileTheServerIsDownAndClosingItStopsThat() throws Exception {
        server = start(0);
        client = HttpEventStore.connect(server.httpUrl());
        Recorder recorder = new Recorder();
        Subscription subscription = client.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, recorder);
        await().atMost(PATIENCE).until(() -> recorder.caughtUp.get() == 1);

        server.close();
        server = null;
        Thread.sleep(700); // several tries (100, 200, 400 ms apart) find nobody
        assertThat(subscription.isActive()).isTrue();
        assertThat(recorder.errors).isEmpty();

        subscription.close();
        assertThat(subscription.isActive()).isFalse();
        await().atMost(PATIENCE).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("strata-sse ")));
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void closingAConnectedSubscriptionEndsItsThreadWithoutWaitingForTheStreamToEnd() {
        server = start(0);
        client = HttpEventStore.connect(server.httpUrl());
        Recorder recorder = new Recorder();
        Subscription subscription = client.subscribeToStream("order-1", ReadStreamOptions.START, recorder);
        await().atMost(PATIENCE).until(() -> recorder.caughtUp.get() == 1);

        subscription.close();

        assertThat(subscription.isActive()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> subscriptionThreads() == 0);
        appendOver(client, "order-1", 1);
        assertThat(recorder.events).isEmpty();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void closingTheStoreEndsItsSubscriptions() {
        server = start(0);
        client = HttpEventStore.connect(server.httpUrl());
        Recorder all = new Recorder();
        Recorder stream = new Recorder();
        Subscription toAll = client.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, all);
        Subscription toStream = client.subscribeToStream("order-1", ReadStreamOptions.START, stream);
        await().atMost(PATIENCE).until(() -> all.caughtUp.get() == 1 && stream.caughtUp.get() == 1);

        client.close();

        assertThat(toAll.isActive()).isFalse();
        assertThat(toStream.isActive()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> subscriptionThreads() == 0);
        assertThat(all.errors).isEmpty();
        assertThat(stream.errors).isEmpty();
    }

    private static long subscriptionThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith("strata-sse ")).count();
    }

    @Test
    void aSubscriptionThatNeverConnectedSaysTheServerCannotBeReached() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        client = HttpEventStore.connect("http://127.0.0.1:" + port);
        Recorder recorder = new Recorder();

        Subscription subscription = client.subscribeToStream("order-1", ReadStreamOptions.START, recorder);

        await().atMost(PATIENCE).until(() -> !recorder.errors.isEmpty());
        assertThat(recorder.errors).singleElement().isInstanceOf(StoreUnavailableException.class)
                .extracting(Throwable::getMessage).asString()
                .startsWith("cannot reach the server at http://127.0.0.1:" + port + " (");
        assertThat(subscription.isActive()).isFalse();
    }

    @Test
    void appendsAndReadsGoOnOverNewConnectionsAfterTheServerRestarts() {
        server = start(0);
        int port = server.httpPort();
        client = HttpEventStore.connect(server.httpUrl());
        appendOver(client, "order-1", 2);

        server.close();
        server = start(port);

        appendOver(client, "order-1", 1);
        assertThat(client.readStream("order-1", ReadStreamOptions.forwards()).events()).hasSize(3);
        assertThatThrownBy(() -> client.readStream("nothing", ReadStreamOptions.forwards()))
                .isInstanceOf(StreamNotFoundException.class);
    }

    /** A server on the test's folder; gRPC on a free port, so that a fixed HTTP port does not also fix it. */
    private StrataServer start(int httpPort) {
        return StrataServer.start(ServerConfig.builder(folder).httpPort(httpPort).grpcPort(0).durability(Durability.NONE)
                .memtableEntries(4096).build());
    }

    private static void appendOver(HttpEventStore store, String stream, int events) {
        for (int i = 0; i < events; i++) {
            store.append(stream, ExpectedRevision.ANY, List.of(event(stream, i)));
        }
    }

    /** Appends with the engine itself, on the folder no server holds just now. */
    private void appendWhileNoServerRuns(String stream, int events) {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(folder).durability(Durability.NONE)
                .memtableEntries(4096).build())) {
            for (int i = 0; i < events; i++) {
                store.append(stream, ExpectedRevision.ANY, List.of(event(stream, i)));
            }
        }
    }

    private static EventData event(String stream, int i) {
        return EventData.json("Happened", ("{\"stream\":\"" + stream + "\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** Records what a subscription tells its listener. */
    private static final class Recorder implements SubscriptionListener {
        final List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final AtomicInteger caughtUp = new AtomicInteger();

        @Override
        public void onEvent(RecordedEvent event) {
            events.add(event);
        }

        @Override
        public void onCaughtUp() {
            caughtUp.incrementAndGet();
        }

        @Override
        public void onError(Throwable error) {
            errors.add(error);
        }

        List<Long> positions() {
            return events.stream().map(event -> event.position().value()).toList();
        }

        List<String> streams() {
            return events.stream().map(RecordedEvent::stream).toList();
        }
    }
}
