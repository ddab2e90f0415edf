package io.strata.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.CollectingListener;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Server-Sent Events subscriptions of one {@link HttpEventStore} decode an event they both receive
 * once: the server sends both the same JSON, and the second is handed the first one's event (ADR 0012).
 * Subscriptions of two clients each decode their own.
 */
@Timeout(value = 60, unit = SECONDS)
class HttpEventStoreSharedEventsTest {
    @TempDir
    Path folder;

    private StrataServer server;
    private HttpEventStore client;
    private HttpEventStore otherClient;

    @AfterEach
    void stop() {
        for (AutoCloseable each : new AutoCloseable[] {client, otherClient, server}) {
            if (each != null) {
                try {
                    each.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void subscriptionsOfOneClientShareTheEventsTheyBothReceive() {
        server = StrataServer.start(ServerConfig.builder(folder).httpPort(0).grpcPort(0).durability(Durability.NONE)
                .memtableEntries(4096).build());
        client = HttpEventStore.connect(server.httpUrl());
        otherClient = HttpEventStore.connect(server.httpUrl());
        CollectingListener toAll = new CollectingListener();
        CollectingListener toStream = new CollectingListener();
        CollectingListener otherClientsToAll = new CollectingListener();
        client.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, toAll);
        client.subscribeToStream("shared-1", 0, toStream);
        otherClient.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, otherClientsToAll);
        toAll.awaitCaughtUp();
        toStream.awaitCaughtUp();
        otherClientsToAll.awaitCaughtUp();

        for (int i = 0; i < 5; i++) {
            client.append("shared-1", ExpectedRevision.ANY,
                    List.of(EventData.json("E" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))));
        }

        List<RecordedEvent> live = toStream.awaitEvents(5).events();
        List<RecordedEvent> all = toAll.awaitEvents(5).events();
        List<RecordedEvent> others = otherClientsToAll.awaitEvents(5).events();
        assertThat(live).extracting(RecordedEvent::type).containsExactly("E0", "E1", "E2", "E3", "E4");
        assertThat(live).extracting(event -> new String(event.data(), StandardCharsets.UTF_8))
                .containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
        for (int i = 0; i < 5; i++) {
            assertThat(all.get(i)).as("event %d, same client", i).isSameAs(live.get(i));
            assertThat(others.get(i)).as("event %d, other client", i).isEqualTo(live.get(i)).isNotSameAs(live.get(i));
        }
        assertThat(toAll.violations()).isEmpty();
        assertThat(toStream.violations()).isEmpty();
    }
}
