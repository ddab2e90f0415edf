package io.strata.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.strata.client.HttpScriptedServer.Request;
import io.strata.client.HttpScriptedServer.Step;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.StoreUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpTransport} under {@link HttpGroupsClient} and {@link HttpEventStore}: connections are kept
 * and reused, 64 callers exchange at once, and when the server closes a connection only what cannot
 * have been done twice is sent again: any request when nothing was sent on the closed connection, a
 * GET once when its kept connection closed without an answer, a POST never.
 */
@Timeout(value = 60, unit = SECONDS)
class HttpTransportTest {
    private static final String NO_GROUPS = "{\"groups\":[]}";

    private HttpScriptedServer server;
    private HttpGroupsClient client;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void requestsOneAfterAnotherShareOneConnection() throws IOException {
        server = new HttpScriptedServer(NO_GROUPS);
        client = HttpGroupsClient.connect(server.url());

        for (int i = 0; i < 5; i++) {
            client.list();
        }
        client.ack("billing", List.of("a-1"));

        assertThat(server.requests()).hasSize(6).extracting(Request::connection).containsOnly(1);
        assertThat(server.connectionsAccepted()).isOne();
    }

    @Test
    void sixtyFourCallersExchangeAtOnce() throws Exception {
        int callers = 64;
        CountDownLatch allArrived = new CountDownLatch(callers);
        HttpServer waiting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), callers);
        ExecutorService handlers = Executors.newFixedThreadPool(callers);
        waiting.setExecutor(handlers);
        waiting.createContext("/", exchange -> {
            allArrived.countDown();
            boolean together = allCame(allArrived);
            byte[] body = (together ? NO_GROUPS : "{\"error\":{\"code\":\"unavailable\",\"message\":\"alone\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(together ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        waiting.start();
        ExecutorService callerThreads = Executors.newFixedThreadPool(callers);
        try {
            client = HttpGroupsClient.connect("http://127.0.0.1:" + waiting.getAddress().getPort());
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(callerThreads.submit(() -> client.list()));
            }
            for (Future<?> call : calls) {
                call.get(); // a caller left waiting for a connection would make the others answer 503
            }
        } finally {
            callerThreads.shutdownNow();
            waiting.stop(0);
            handlers.shutdownNow();
        }
    }

    private static boolean allCame(CountDownLatch latch) {
        try {
            return latch.await(20, SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aPostAfterTheServerClosedTheIdleConnectionGoesOnANewConnection() throws IOException {
        server = new HttpScriptedServer(NO_GROUPS);
        client = HttpGroupsClient.connect(server.url());
        server.script(Step.ANSWER_THEN_CLOSE);
        client.list();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionsClosed() == 1);

        client.ack("billing", List.of("a-1"));

        assertThat(server.requests()).containsExactly(
                new Request("GET", "/v1/groups", 1), new Request("POST", "/v1/groups/billing/ack", 2));
    }

    @Test
    void aPostWhoseConnectionClosesWithoutAnAnswerIsNotSentAgain() throws IOException {
        server = new HttpScriptedServer(NO_GROUPS);
        client = HttpGroupsClient.connect(server.url());
        client.list();
        server.script(Step.CLOSE_WITHOUT_ANSWER);

        assertThatThrownBy(() -> client.ack("billing", List.of("a-1")))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage("cannot reach the server at " + server.url() + " (the server closed the connection without answering)");

        assertThat(server.requests()).extracting(Request::method).containsExactly("GET", "POST");
    }

    @Test
    void anAppendWhoseConnectionClosesWithoutAnAnswerIsNotSentAgain() throws IOException {
        server = new HttpScriptedServer("{}");
        server.script(Step.ANSWER, Step.CLOSE_WITHOUT_ANSWER);
        try (HttpEventStore store = HttpEventStore.connect(server.url())) {
            assertThatThrownBy(store::info).isInstanceOf(StoreUnavailableException.class); // "{}" is no info: the connection is kept

            assertThatThrownBy(() -> store.append("order-1", ExpectedRevision.ANY, List.of(EventData.json("T", "{}".getBytes(StandardCharsets.UTF_8)))))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageEndingWith("(the server closed the connection without answering)");
        }

        assertThat(server.requests()).extracting(Request::method, Request::connection)
                .containsExactly(tuple("GET", 1), tuple("POST", 1));
    }

    @Test
    void aGetWhoseKeptConnectionClosesWithoutAnAnswerIsSentOnceMore() throws IOException {
        server = new HttpScriptedServer(NO_GROUPS);
        client = HttpGroupsClient.connect(server.url());
        client.list();
        server.script(Step.CLOSE_WITHOUT_ANSWER);

        assertThat(client.list()).isEmpty();

        assertThat(server.requests()).containsExactly(new Request("GET", "/v1/groups", 1),
                new Request("GET", "/v1/groups", 1), new Request("GET", "/v1/groups", 2));
    }

    @Test
    void aGetIsSentAtMostTwice() throws IOException {
        server = new HttpScriptedServer(NO_GROUPS);
        client = HttpGroupsClient.connect(server.url());
        client.list();
        server.script(Step.CLOSE_WITHOUT_ANSWER, Step.CLOSE_WITHOUT_ANSWER);

        assertThatThrownBy(() -> client.list()).isInstanceOf(StoreUnavailableException.class)
                .hasMessageEndingWith("(the server closed the connection without answering)");

        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void aGetOnANewConnectionThatClosesWithoutAnAnswerIsNotSentAgain() throws IOException {
        server = new HttpScriptedServer(NO_GROUPS);
        client = HttpGroupsClient.connect(server.url());
        server.script(Step.CLOSE_WITHOUT_ANSWER);

        assertThatThrownBy(() -> client.list()).isInstanceOf(StoreUnavailableException.class);

        assertThat(server.requests()).hasSize(1); // not a kept connection gone stale: the server's own doing
    }

    @Test
    void noAnswerInTimeIsUnavailableSayingHowLongItWaited() throws IOException {
        server = new HttpScriptedServer(NO_GROUPS);
        server.script(Step.NEVER_ANSWER);
        try (HttpTransport transport = HttpTransport.connect(server.url(), HttpTransport.ServerError::remote)) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> transport.send("GET", "/v1/groups", null, Duration.ofSeconds(1)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessage("cannot reach the server at " + server.url() + " (no answer within 1 s)");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(AnswerDeadlines.CHECK_INTERVAL.multipliedBy(20)));
        }
    }

    @Test
    void theConnectionOfAnAnswerTooLateIsDroppedAndTheNextRequestGoesOnANewOne() throws IOException {
        server = new HttpScriptedServer(NO_GROUPS);
        server.script(Step.NEVER_ANSWER);
        try (HttpTransport transport = HttpTransport.connect(server.url(), HttpTransport.ServerError::remote)) {
            assertThatThrownBy(() -> transport.send("GET", "/v1/groups", null, Duration.ofMillis(300)))
                    .isInstanceOf(StoreUnavailableException.class);

            assertThat(transport.send("GET", "/v1/groups", null, Duration.ofSeconds(5)).status()).isEqualTo(200);
            assertThat(server.requests()).extracting(Request::connection).containsExactly(1, 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionsClosed() == 1);
        }
    }

    @Test
    void anAnswerInTimeLeavesItsConnectionOpenLongAfterItsDeadline() throws Exception {
        server = new HttpScriptedServer(NO_GROUPS);
        try (HttpTransport transport = HttpTransport.connect(server.url(), HttpTransport.ServerError::remote)) {
            transport.send("GET", "/v1/groups", null, Duration.ofMillis(200));
            Thread.sleep(AnswerDeadlines.CHECK_INTERVAL.multipliedBy(5).toMillis()); // deadline long past, no longer watched

            transport.send("GET", "/v1/groups", null, Duration.ofMillis(200));
            assertThat(server.requests()).extracting(Request::connection).containsExactly(1, 1);
        }
    }

    @Test
    void closingTheClientFailsAnExchangeInProgressAsUnavailable() throws Exception {
        server = new HttpScriptedServer(NO_GROUPS);
        client = HttpGroupsClient.connect(server.url());
        server.script(Step.NEVER_ANSWER);
        var waiting = CompletableFuture.supplyAsync(() -> client.list());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.requests().size() == 1);

        client.close();

        assertThat(waiting).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(StoreUnavailableException.class)
                .withMessage("cannot reach the server at " + server.url() + " (the client is closed)");
    }
}
