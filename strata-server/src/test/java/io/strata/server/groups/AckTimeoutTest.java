package io.strata.server.groups;

import static io.strata.server.groups.GroupTestSupport.ackIds;
import static io.strata.server.groups.GroupTestSupport.append;
import static io.strata.server.groups.GroupTestSupport.fetchAtLeast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AckTimeoutTest {
    private static final Duration ACK_TIMEOUT = Duration.ofMillis(200);

    @TempDir
    Path dir;

    private EmbeddedEventStore store;
    private ConsumerGroups groups;
    private ConsumerGroup group;

    @BeforeEach
    void open() {
        store = GroupTestSupport.openStore(dir);
        groups = ConsumerGroups.open(store, dir, GroupTestSupport.quickCheckpoints());
        group = groups.create("g", GroupSettings.of(GroupSource.all()).withStart(StartFrom.START).withAckTimeout(ACK_TIMEOUT)).group();
    }

    @AfterEach
    void close() {
        groups.close();
        store.close();
    }

    @Test
    void messagesOfAConsumerThatNeverAcksGoToAnotherAfterTheAckTimeout() {
        for (int i = 0; i < 10; i++) {
            append(store, "order-" + i, 1);
        }
        long firstFetch = System.nanoTime();
        List<Message> silent = fetchAtLeast(group, "silent", 10, Duration.ofSeconds(5));
        assertThat(silent).hasSize(10);

        // A long poll: it returns when the timer hands the expired messages over, not when its wait ends.
        List<Message> other = fetchAtLeast(group, "other", 10, Duration.ofSeconds(10));

        assertThat(Duration.ofNanos(System.nanoTime() - firstFetch)).isGreaterThanOrEqualTo(ACK_TIMEOUT);
        assertThat(other).extracting(GroupTestSupport::key).containsExactlyInAnyOrderElementsOf(
                silent.stream().map(GroupTestSupport::key).toList());
        assertThat(other).allSatisfy(m -> assertThat(m.deliveryCount()).isEqualTo(2));
        // The silent consumer's acks come too late: its deliveries expired.
        assertThat(group.ack(ackIds(silent))).isEqualTo(new AckResult(0, 10));
        assertThat(group.ack(ackIds(other))).isEqualTo(new AckResult(10, 0));
        assertThat(group.status().lag()).isZero();
    }

    @Test
    void aConsumerIsPresentUntilAnAckTimeoutAfterItsLastFetch() {
        group.fetch("gone", 1, Duration.ZERO);
        assertThat(group.status().consumers()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> group.status().consumers() == 0);
    }

    @Test
    void expiredMessagesAreRedeliveredByTheTimerWithoutAnyCall() {
        append(store, "order-1", 3);
        fetchAtLeast(group, "silent", 1, Duration.ofSeconds(5));
        assertThat(group.status().inFlight()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> group.status().inFlight() == 0);
    }
}
