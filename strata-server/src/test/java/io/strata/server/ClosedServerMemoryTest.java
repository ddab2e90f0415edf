package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.storage.EmbeddedEventStore;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed server lets go of its store. Helidon 4.5.0 keeps a stopped web server reachable from its
 * idle-connection timer thread (helidon-io/helidon#11939), and with it the routes; the routes must not
 * keep the closed store, its memtables and caches (about 5 MB a server) reachable too.
 */
class ClosedServerMemoryTest {
    @TempDir
    Path folder;

    @Test
    void aClosedServerLetsGoOfItsStore() throws Exception {
        WeakReference<EmbeddedEventStore> store = startUseAndClose();

        for (int i = 0; i < 100 && store.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }

        assertThat(store.get()).as("the closed server's store, after garbage collection").isNull();
    }

    /** A server that served a request (so that its routes ran) and closed; only a weak reference to its store is left. */
    private WeakReference<EmbeddedEventStore> startUseAndClose() throws Exception {
        StrataServer server = StrataServer.start(ServerConfig.builder(folder).httpPort(0).grpcPort(0)
                .durability(Durability.NONE).memtableEntries(4096).build());
        try {
            server.store().append("s-1", ExpectedRevision.ANY, List.of(EventData.json("Happened", "{}".getBytes(StandardCharsets.UTF_8))));
            HttpResponse<String> info = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.httpUrl() + "/v1/info")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(info.statusCode()).isEqualTo(200);
            return new WeakReference<>(server.store());
        } finally {
            server.close();
        }
    }
}
