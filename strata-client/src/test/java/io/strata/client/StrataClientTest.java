package io.strata.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.strata.core.AppendResult;
import io.strata.core.CollectingListener;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.Futures;
import io.strata.core.InvalidRequestException;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.TooLargeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the contract suite does not cover: the client's own settings and the server's own limits and shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrataClientTest {
    @TempDir
    Path tempDir;
    private ServedClient served;

    @AfterEach
    void closeServer() {
        if (served != null) {
            served.close();
        }
    }

    private static List<EventData> event() {
        return List.of(EventData.builder("E").id(UUID.randomUUID()).data("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build());
    }

    @Test
    void anAddressIsHostColonPort() {
        for (String bad : List.of("localhost", "http://127.0.0.1:7701", "127.0.0.1:", ":7701", "127.0.0.1:port", "127.0.0.1:70000")) {
            assertThatThrownBy(() -> StrataClient.connect(bad)).as(bad).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining(bad);
        }
        StrataClient.connect("localhost:7701").close(); // connects lazily: nothing needs to listen
    }

    @Test
    void aRequestOverTheServersMessageBoundIsTooLarge() {
        served = ServedClient.start(tempDir, config -> config.maxRequestBytes(2 << 20));
        List<EventData> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(EventData.builder("Big").id(UUID.randomUUID()).data(new byte[1 << 20]).build());
        }

        Throwable thrown = catchThrowable(() -> served.append("s-1", ExpectedRevision.ANY, batch));

        assertThat(thrown).isInstanceOf(TooLargeException.class);
        assertThat(((TooLargeException) thrown).limit()).isEqualTo(2 << 20);
        assertThat(((TooLargeException) thrown).actual()).isGreaterThan(3 << 20);
        assertThat(served.info().events()).isZero();
    }

    @Test
    void dependentActionsOfAppendFuturesNeverRunOnTheEventLoopAndMayCallTheClient() {
        served = ServedClient.start(tempDir, config -> config);
        StrataClient client = served.client();
        List<String> threads = new CopyOnWriteArrayList<>();
        List<CompletableFuture<AppendResult>> chains = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String stream = "chain-" + i;
            // A blocking call of the same client inside a dependent: on the event loop it would wait
            // for an answer that only that event loop can read.
            chains.add(client.appendAsync(stream, ExpectedRevision.NO_STREAM, event())
                    .thenApply(first -> {
                        threads.add(Thread.currentThread().getName());
                        return client.append(stream, ExpectedRevision.exactly(first.lastRevision()), event());
                    })
                    .whenComplete((second, error) -> threads.add(Thread.currentThread().getName())));
        }

        assertThat(chains).allSatisfy(chain -> assertThat(Futures.join(chain).lastRevision()).isEqualTo(1));
        assertThat(threads).hasSize(100).allSatisfy(name -> assertThat(name).startsWith("strata-client-callback"));
    }

    @Test
    void aPublishersDependentActionsMayPublishAgain() {
        served = ServedClient.start(tempDir, config -> config);
        try (Publisher publisher = served.client().publisher(1)) {
            // Each answer publishes the next append. Run where the answer arrived, the next publish
            // would wait for the permit that only the end of that very callback gives back.
            CompletableFuture<AppendResult> last = publisher.publish("s-1", ExpectedRevision.NO_STREAM, event());
            for (int i = 0; i < 20; i++) {
                last = last.thenCompose(r -> publisher.publish("s-1", ExpectedRevision.exactly(r.lastRevision()), event()));
            }
            assertThat(Futures.join(last).lastRevision()).isEqualTo(20);
        }
    }

    /** Subscriptions of one client that receive the same events decode them once ({@code DecodedEventCache}). */
    @Test
    void subscriptionsOfOneClientShareTheEventsTheyBothReceive() {
        served = ServedClient.start(tempDir, config -> config);
        CollectingListener toAll = new CollectingListener();
        CollectingListener toStream = new CollectingListener();
        served.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, toAll);
        served.subscribeToStream("shared-1", 0, toStream);
        toAll.awaitCaughtUp();
        toStream.awaitCaughtUp();

        for (int i = 0; i < 5; i++) {
            served.append("shared-1", ExpectedRevision.ANY, List.of(EventData.json("E" + i, ("{\"n\":" + i + "}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }

        List<RecordedEvent> live = toStream.awaitEvents(5).events();
        List<RecordedEvent> all = toAll.awaitEvents(5).events();
        assertThat(live).hasSize(5).extracting(RecordedEvent::type).containsExactly("E0", "E1", "E2", "E3", "E4");
        for (int i = 0; i < 5; i++) {
            assertThat(all.get(i)).as("event %d", i).isSameAs(live.get(i));
        }
    }

    @Test
    void serverShutdownEndsSubscriptionsWithStoreUnavailable() {
        served = ServedClient.start(tempDir, config -> config);
        served.append("s-1", ExpectedRevision.ANY, List.of(EventData.json("A", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        CollectingListener listener = new CollectingListener();
        served.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, listener);
        listener.awaitCaughtUp();

        served.server().close();

        assertThat(listener.awaitError().error()).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("shutting down");
        assertThat(listener.violations()).isEmpty();
    }
}
