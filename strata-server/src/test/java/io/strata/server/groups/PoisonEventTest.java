package io.strata.server.groups;

import static io.strata.server.groups.GroupTestSupport.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A poison event: fails every delivery, is parked after maxDeliveries, and stops blocking its stream. */
class PoisonEventTest {
    private static final int MAX_DELIVERIES = 3;

    @TempDir
    Path dir;

    private EmbeddedEventStore store;
    private ConsumerGroups groups;

    @BeforeEach
    void open() {
        store = GroupTestSupport.openStore(dir);
        groups = ConsumerGroups.open(store, dir, GroupTestSupport.quickCheckpoints());
        append(store, "order-1", 5);  // order-1@1 is the poison
        append(store, "order-2", 5);
        append(store, "order-3", 5);
    }

    @AfterEach
    void close() {
        groups.close();
        store.close();
    }

    private ConsumerGroup create(Duration ackTimeout) {
        return groups.create("g", GroupSettings.of(GroupSource.all()).withStart(StartFrom.START)
                .withMaxDeliveries(MAX_DELIVERIES).withAckTimeout(ackTimeout)).group();
    }

    /** Consumes: nacks (retry) the poison, acks everything else; returns the order of deliveries. */
    private List<Message> consumeNackingPoison(ConsumerGroup group) {
        List<Message> deliveries = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (Message m : group.fetch("c1", 100, Duration.ofMillis(50))) {
                deliveries.add(m);
                if (GroupTestSupport.key(m).equals("order-1@1")) {
                    group.nack(List.of(m.ackId()), NackAction.RETRY, Duration.ZERO);
                } else {
                    group.ack(List.of(m.ackId()));
                }
            }
            return group.status().lag() == 0;
        });
        return deliveries;
    }

    @Test
    void aNackedPoisonIsParkedAfterMaxDeliveriesAndEverythingElseFlows() {
        ConsumerGroup group = create(Duration.ofSeconds(30));

        List<Message> deliveries = consumeNackingPoison(group);

        List<String> keys = deliveries.stream().map(GroupTestSupport::key).toList();
        assertThat(keys.stream().filter("order-1@1"::equals)).hasSize(MAX_DELIVERIES);
        assertThat(deliveries.stream().filter(m -> GroupTestSupport.key(m).equals("order-1@1")).map(Message::deliveryCount))
                .containsExactly(1, 2, 3);
        // The rule: once the poison is parked, the rest of its stream is delivered, in order, after it.
        List<String> stream1 = keys.stream().filter(k -> k.startsWith("order-1@")).toList();
        assertThat(stream1).containsExactly("order-1@0", "order-1@1", "order-1@1", "order-1@1", "order-1@2", "order-1@3", "order-1@4");
        assertThat(keys).contains("order-2@4", "order-3@4");

        GroupStatus status = group.status();
        assertThat(status.parked()).isEqualTo(1);
        assertThat(status.inFlight()).isZero();
        List<ParkedMessage> parked = group.parked(10);
        assertThat(parked).hasSize(1);
        assertThat(parked.getFirst().event().stream()).isEqualTo("order-1");
        assertThat(parked.getFirst().event().revision()).isEqualTo(1);
        assertThat(parked.getFirst().deliveryCount()).isEqualTo(MAX_DELIVERIES);
        assertThat(parked.getFirst().reason()).isEqualTo(ParkReason.MAX_DELIVERIES);
        // Parked events do not hold the checkpoint back.
        assertThat(status.checkpoint().value()).isEqualTo(15);
    }

    @Test
    void aPoisonThatTimesOutIsParkedAfterMaxDeliveries() {
        ConsumerGroup group = create(Duration.ofMillis(100));
        List<Integer> poisonDeliveries = new ArrayList<>();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (Message m : group.fetch("c1", 100, Duration.ofMillis(50))) {
                if (GroupTestSupport.key(m).equals("order-1@1")) {
                    poisonDeliveries.add(m.deliveryCount()); // the consumer hangs on it: no ack
                } else {
                    group.ack(List.of(m.ackId()));
                }
            }
            return group.status().lag() == 0;
        });

        assertThat(poisonDeliveries).containsExactly(1, 2, 3);
        assertThat(group.parked(10)).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(ParkReason.MAX_DELIVERIES);
            assertThat(p.deliveryCount()).isEqualTo(3);
        });
    }

    @Test
    void aReplayedParkedMessageIsDeliveredAgainWithAFreshCount() {
        ConsumerGroup group = create(Duration.ofSeconds(30));
        consumeNackingPoison(group);
        assertThat(group.status().parked()).isEqualTo(1);

        assertThat(group.replayParked()).isEqualTo(1);
        assertThat(group.status().parked()).isZero();
        assertThat(group.status().lag()).isEqualTo(1);

        List<Message> replayed = GroupTestSupport.fetchAtLeast(group, "c2", 1, Duration.ofSeconds(5));
        assertThat(replayed).singleElement().satisfies(m -> {
            assertThat(GroupTestSupport.key(m)).isEqualTo("order-1@1");
            assertThat(m.deliveryCount()).isEqualTo(1);
        });
        assertThat(group.ack(List.of(replayed.getFirst().ackId())).acked()).isEqualTo(1);
        assertThat(group.parked(10)).isEmpty();
        assertThat(group.status().lag()).isZero();
    }

    @Test
    void aNackParkParksAtOnceAndSkipDropsWithoutParking() {
        ConsumerGroup group = create(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (Message m : group.fetch("c1", 100, Duration.ofMillis(50))) {
                switch (GroupTestSupport.key(m)) {
                    case "order-2@0" -> group.nack(List.of(m.ackId()), NackAction.PARK, Duration.ZERO);
                    case "order-3@0" -> group.nack(List.of(m.ackId()), NackAction.SKIP, Duration.ZERO);
                    default -> group.ack(List.of(m.ackId()));
                }
            }
            return group.status().lag() == 0;
        });

        assertThat(group.parked(10)).singleElement().satisfies(p -> {
            assertThat(p.event().stream()).isEqualTo("order-2");
            assertThat(p.reason()).isEqualTo(ParkReason.NACKED);
            assertThat(p.deliveryCount()).isEqualTo(1);
        });
    }
}
