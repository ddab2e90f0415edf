package io.strata.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.client.ConsumerGroupSettings.Ordering;
import io.strata.client.ConsumerGroupSettings.Source;
import io.strata.client.ConsumerGroupSettings.Start;
import io.strata.core.Durability;
import io.strata.core.ErrorCode;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.StrataException;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management and by-hand consuming calls of {@link ConsumerGroupClient} against a real server. */
class ConsumerGroupClientTest {
    @TempDir
    Path dir;

    private StrataServer server;
    private StrataClient store;
    private ConsumerGroupClient groups;

    @BeforeEach
    void start() {
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).grpcPort(0).durability(Durability.NONE)
                .memtableEntries(4096).build());
        store = StrataClient.connect(ServedClient.address(server));
        groups = ConsumerGroupClient.connect(ServedClient.address(server));
    }

    @AfterEach
    void stop() {
        groups.close();
        store.close();
        server.close();
    }

    @Test
    void settingsRoundTripAndCreateIsIdempotent() {
        ConsumerGroupSettings settings = ConsumerGroupSettings.of(Source.all(EventFilter.category("order").withTypes(Set.of("OrderPlaced"))))
                .withStart(Start.at(Position.of(3))).withOrdering(Ordering.NONE).withMaxDeliveries(2)
                .withAckTimeout(Duration.ofMillis(1500));

        ConsumerGroupCreation created = groups.create("billing", settings);
        assertThat(created.created()).isTrue();
        assertThat(created.group().settings()).isEqualTo(settings);
        assertThat(groups.create("billing", settings).created()).isFalse();
        assertThat(groups.get("billing").settings()).isEqualTo(settings);

        groups.create("audit", ConsumerGroupSettings.of(Source.stream("order-1")));
        assertThat(groups.list()).extracting(ConsumerGroupStatus::name).containsExactly("audit", "billing");
        assertThat(groups.get("audit").settings()).isEqualTo(ConsumerGroupSettings.of(Source.stream("order-1")));
    }

    @Test
    void refusalsComeBackAsTheEnginesExceptionsWithTheirCodes() {
        groups.create("billing", ConsumerGroupSettings.of(Source.stream("order-1")));

        assertThatThrownBy(() -> groups.create("billing", ConsumerGroupSettings.of(Source.stream("order-2"))))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.GROUP_EXISTS));
        assertThatThrownBy(() -> groups.get("nobody"))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("nobody");
                });
        assertThatThrownBy(() -> groups.create("bad/name", ConsumerGroupSettings.of(Source.stream("order-1"))))
                .isInstanceOf(InvalidRequestException.class);

        groups.delete("billing");
        assertThatThrownBy(() -> groups.delete("billing"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void fetchAckNackParkAndReplayByHand() {
        store.append("order-1", ExpectedRevision.ANY, List.of(event(0), event(1)));
        groups.create("billing", ConsumerGroupSettings.of(Source.stream("order-1")).withStart(Start.START));

        ConsumerMessage first = groups.fetch("billing", "c1", 10, Duration.ofSeconds(5)).getFirst();
        assertThat(first.event().revision()).isZero();
        assertThat(first.deliveryCount()).isEqualTo(1);
        assertThat(groups.ack("billing", List.of(first.ackId(), "bogus"))).isEqualTo(new ConsumerAckResult(1, 1));

        ConsumerMessage second = groups.fetch("billing", "c1", 10, Duration.ofSeconds(5)).getFirst();
        assertThat(groups.nack("billing", List.of(second.ackId()), ConsumerNackAction.PARK, Duration.ZERO))
                .isEqualTo(new ConsumerAckResult(1, 0));
        assertThat(groups.parked("billing", 10)).singleElement().satisfies(parked -> {
            assertThat(parked.event().revision()).isEqualTo(1);
            assertThat(parked.reason()).isEqualTo(ConsumerParkedMessage.Reason.NACKED);
        });
        ConsumerGroupStatus status = groups.get("billing");
        assertThat(status.parked()).isEqualTo(1);
        assertThat(status.lag()).isZero();
        assertThat(status.checkpoint()).isEqualTo(Position.of(2));

        assertThat(groups.replayParked("billing")).isEqualTo(1);
        ConsumerMessage replayed = groups.fetch("billing", "c1", 10, Duration.ofSeconds(5)).getFirst();
        assertThat(replayed.event().revision()).isEqualTo(1);
        assertThat(replayed.deliveryCount()).isEqualTo(1);
    }

    @Test
    void anUnreachableServerIsAConnectionRefusedNamingIt() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        try (ConsumerGroupClient nowhere = ConsumerGroupClient.connect("127.0.0.1:" + freePort, Duration.ofSeconds(5))) {
            assertThatThrownBy(nowhere::list).isInstanceOfSatisfying(ConnectionRefusedException.class,
                    e -> assertThat(e.address()).isEqualTo("127.0.0.1:" + freePort));
        }
    }

    private static EventData event(int n) {
        return EventData.json("Happened", ("{\"n\":" + n + "}").getBytes(UTF_8));
    }
}
