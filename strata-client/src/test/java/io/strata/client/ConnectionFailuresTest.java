package io.strata.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.strata.core.CollectingListener;
import io.strata.core.Durability;
import io.strata.core.ErrorCode;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.Futures;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StrataException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a caller sees when the server cannot be reached, does not answer, or goes away: each its own
 * exception, naming the server's address. The servers here run in a child JVM, so that they can be
 * killed (SIGKILL) and frozen (SIGSTOP) for real.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionFailuresTest {
    @TempDir
    Path tempDir;

    @Test
    void nothingListeningIsConnectionRefusedNamingTheAddress() throws IOException {
        String address = "127.0.0.1:" + freePort();
        try (StrataClient client = StrataClient.connect(address)) {
            for (int attempt = 0; attempt < 3; attempt++) {
                // The first call connects; the later ones fail fast while gRPC waits to reconnect, and
                // must still say why.
                assertConnectionRefused(catchThrowable(client::info), address);
            }
            assertConnectionRefused(catchThrowable(() -> Futures.join(client.appendAsync("s-1", ExpectedRevision.ANY, events(1)))), address);
            assertConnectionRefused(catchThrowable(() -> client.append("s-1", ExpectedRevision.ANY, events(1))), address);
            assertConnectionRefused(catchThrowable(() -> client.readStream("s-1", ReadStreamOptions.forwards())), address);
            assertConnectionRefused(catchThrowable(() -> client.subscribeToAll(ReadAllOptions.START, EventFilter.ALL,
                    new CollectingListener())), address);
        }
    }

    @Test
    void serverThatDoesNotAnswerInTimeIsDeadlineExceeded() throws Exception {
        try (ServerProcess server = ServerProcess.start(tempDir, Durability.NONE);
             StrataClient client = StrataClient.builder(server.address()).deadline(Duration.ofMillis(500)).build()) {
            // Connected, and the server warm: a cold first call can take longer than the short deadline.
            // A timed-out try may still land; its retry, with the same event id, is idempotent.
            List<EventData> warmUp = List.of(EventData.builder("E").id(UUID.randomUUID()).data("{}".getBytes(UTF_8)).build());
            await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(DeadlineExceededException.class)
                    .until(() -> client.append("s-1", ExpectedRevision.ANY, warmUp) != null);
            server.pause();

            Throwable info = catchThrowable(client::info);
            Throwable append = catchThrowable(() -> Futures.join(client.appendAsync("s-1", ExpectedRevision.ANY, events(1))));

            for (Throwable thrown : List.of(info, append)) {
                assertThat(thrown).isExactlyInstanceOf(DeadlineExceededException.class)
                        .hasMessageContaining(server.address()).hasMessageContaining("500 ms");
                assertThat(((DeadlineExceededException) thrown).deadline()).isEqualTo(Duration.ofMillis(500));
                assertThat(((DeadlineExceededException) thrown).address()).isEqualTo(server.address());
                assertThat(((StrataException) thrown).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            }
            server.resume();
            // Nothing was broken: the connection serves again (and the timed-out append may have landed).
            await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(DeadlineExceededException.class)
                    .untilAsserted(() -> assertThat(client.info().events()).isBetween(1L, 2L));
        }
    }

    @Test
    void serverKilledMidUseIsServerUnavailableThenConnectionRefused() throws Exception {
        ServerProcess server = ServerProcess.start(tempDir, Durability.NONE);
        try (server; StrataClient client = StrataClient.connect(server.address())) {
            client.append("s-1", ExpectedRevision.ANY, events(3));
            CollectingListener listener = new CollectingListener();
            client.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, listener);
            listener.awaitCaughtUp();

            server.kill();

            // A call in progress when the server died: the server went away.
            Throwable midCall = listener.awaitError().error();
            assertThat(midCall).isExactlyInstanceOf(ServerUnavailableException.class)
                    .hasMessageContaining("the Strata server at " + server.address() + " is unavailable");
            assertThat(((ServerUnavailableException) midCall).address()).isEqualTo(server.address());
            assertThat(listener.violations()).isEmpty();
            // A call made afterwards: nothing listens there any more.
            assertConnectionRefused(catchThrowable(client::info), server.address());
        }
    }

    private static void assertConnectionRefused(Throwable thrown, String address) {
        assertThat(thrown).isExactlyInstanceOf(ConnectionRefusedException.class)
                .hasMessage("cannot connect to the Strata server at " + address + ": connection refused");
        assertThat(((ConnectionRefusedException) thrown).address()).isEqualTo(address);
        assertThat(((StrataException) thrown).code().wireName()).isEqualTo("unavailable");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static List<EventData> events(int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> EventData.json("E", ("{\"i\":" + i + "}").getBytes(UTF_8))).toList();
    }
}
