package io.strata.server.groups;

import static io.strata.server.groups.GroupTestSupport.ackIds;
import static io.strata.server.groups.GroupTestSupport.append;
import static io.strata.server.groups.GroupTestSupport.drainExpecting;
import static io.strata.server.groups.GroupTestSupport.fetchAtLeast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.core.AppendResult;
import io.strata.core.ErrorCode;
import io.strata.core.EventFilter;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.StrataException;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumerGroupsTest {
    @TempDir
    Path dir;

    private EmbeddedEventStore store;
    private ConsumerGroups groups;

    @BeforeEach
    void open() {
        store = GroupTestSupport.openStore(dir);
        groups = ConsumerGroups.open(store, dir, GroupTestSupport.quickCheckpoints());
    }

    @AfterEach
    void close() {
        groups.close();
        store.close();
    }

    private static GroupSettings fromStart(GroupSource source) {
        return GroupSettings.of(source).withStart(StartFrom.START);
    }

    @Test
    void createIsIdempotentForTheSameSettings() {
        GroupSettings settings = fromStart(GroupSource.all());
        GroupCreation first = groups.create("billing", settings);
        GroupCreation again = groups.create("billing", fromStart(GroupSource.all()));

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.group()).isSameAs(first.group());
    }

    @Test
    void createWithOtherSettingsFailsWithGroupExists() {
        groups.create("billing", fromStart(GroupSource.all()));

        assertThatThrownBy(() -> groups.create("billing", fromStart(GroupSource.all()).withMaxDeliveries(9)))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.GROUP_EXISTS);
                    assertThat(e.getMessage()).contains("billing", "maxDeliveries 5", "maxDeliveries 9");
                });
    }

    @Test
    void unknownGroupIsNotFound() {
        assertThatThrownBy(() -> groups.get("nope"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessage("consumer group 'nope' does not exist");
        assertThatThrownBy(() -> groups.delete("nope"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(groups.find("nope")).isEmpty();
    }

    @Test
    void namesThatCannotBeFolderNamesAreRejected() {
        for (String bad : new String[] {"", ".hidden", "a/b", "..", "with space", "x".repeat(129)}) {
            assertThatThrownBy(() -> groups.create(bad, fromStart(GroupSource.all())))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("consumer group name");
        }
        assertThat(groups.create("orders.billing_v2-eu", fromStart(GroupSource.all())).created()).isTrue();
    }

    @Test
    void deleteRemovesTheFolderAndEndsWaitingFetches() throws Exception {
        ConsumerGroup group = groups.create("doomed", fromStart(GroupSource.all())).group();
        Path folder = dir.resolve("groups").resolve("doomed");
        assertThat(folder.resolve("settings.json")).exists();
        CompletableFuture<List<Message>> waiting = GroupTestSupport.inNewThread(() -> group.fetch("c1", 10, Duration.ofSeconds(30)));
        await().until(() -> group.status().consumers() == 1);

        groups.delete("doomed");

        assertThat(folder).doesNotExist();
        try (var left = Files.list(dir.resolve("groups"))) {
            assertThat(left).isEmpty();
        }
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> group.ack(List.of("x")))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> groups.get("doomed")).isInstanceOf(StrataException.class);
        // The name is free again.
        assertThat(groups.create("doomed", fromStart(GroupSource.stream("other"))).created()).isTrue();
    }

    @Test
    void listGivesEveryGroupsStatusByName() {
        append(store, "order-1", 3);
        groups.create("b", fromStart(GroupSource.all()));
        groups.create("a", fromStart(GroupSource.stream("order-1")).withOrdering(Ordering.NONE));

        List<GroupStatus> list = groups.list();

        assertThat(list).extracting(GroupStatus::name).containsExactly("a", "b");
        assertThat(list).allSatisfy(s -> {
            assertThat(s.lag()).isEqualTo(3);
            assertThat(s.inFlight()).isZero();
            assertThat(s.parked()).isZero();
            assertThat(s.checkpoint()).isEqualTo(Position.of(0));
        });
        assertThat(list.get(0).settings().ordering()).isEqualTo(Ordering.NONE);
    }

    @Test
    void startFromEndSeesOnlyEventsAppendedAfterCreation() {
        append(store, "order-1", 5);
        ConsumerGroup group = groups.create("live", GroupSettings.of(GroupSource.all())).group();
        assertThat(group.fetch("c1", 100, Duration.ofMillis(100))).isEmpty();

        AppendResult later = append(store, "order-2", 2);

        List<Message> got = drainExpecting(group, "c1", 2, Duration.ofMillis(300));
        assertThat(got).extracting(m -> m.event().position()).containsExactly(later.firstPosition(), later.lastPosition());
    }

    @Test
    void startFromAPositionOfAll() {
        append(store, "order-1", 5); // positions 0..4
        ConsumerGroup group = groups.create("g", GroupSettings.of(GroupSource.all()).withStart(StartFrom.at(Position.of(3)))).group();

        assertThat(drainExpecting(group, "c1", 2, Duration.ofMillis(300))).extracting(m -> m.event().position().value()).containsExactly(3L, 4L);
    }

    @Test
    void startFromAPositionOfAStream() {
        append(store, "order-1", 3); // positions 0..2
        append(store, "order-2", 3); // positions 3..5
        append(store, "order-1", 3); // positions 6..8, revisions 3..5
        ConsumerGroup group = groups.create("g", GroupSettings.of(GroupSource.stream("order-1")).withStart(StartFrom.at(Position.of(4)))).group();

        assertThat(drainExpecting(group, "c1", 3, Duration.ofMillis(300))).extracting(m -> m.event().revision()).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aStreamSourceDeliversOnlyThatStreamInOrder() {
        append(store, "order-1", 2);
        append(store, "order-2", 2);
        append(store, "order-1", 2);
        ConsumerGroup group = groups.create("g", fromStart(GroupSource.stream("order-1"))).group();

        List<Message> got = drainExpecting(group, "c1", 4, Duration.ofMillis(300));

        assertThat(got).extracting(GroupTestSupport::key).containsExactly("order-1@0", "order-1@1", "order-1@2", "order-1@3");
        assertThat(group.status().lag()).isZero();
    }

    @Test
    void aFilteredAllSourceDeliversOnlyMatchingEvents() {
        append(store, "order-1", "OrderPlaced", 2);
        append(store, "order-2", "OrderShipped", 2);
        append(store, "invoice-1", "OrderPlaced", 2);
        ConsumerGroup group = groups.create("g", fromStart(GroupSource.all(EventFilter.category("order").withTypes(java.util.Set.of("OrderPlaced"))))).group();

        List<Message> got = drainExpecting(group, "c1", 2, Duration.ofMillis(300));

        assertThat(got).extracting(GroupTestSupport::key).containsExactlyInAnyOrder("order-1@0", "order-1@1");
        // The reader scanned past the filtered-out tail, so a caught-up filtered group has no lag.
        await().untilAsserted(() -> assertThat(group.status().lag()).isZero());
        assertThat(group.status().checkpoint()).isEqualTo(Position.of(6));
    }

    @Test
    void aWaitingFetchReturnsAsSoonAsAnEventIsAppended() {
        groups.close();
        groups = ConsumerGroups.open(store, dir, GroupsConfig.builder().idlePoll(Duration.ofHours(1)).build());
        ConsumerGroup streamGroup = groups.create("s", GroupSettings.of(GroupSource.stream("order-1"))).group();
        ConsumerGroup allGroup = groups.create("a", GroupSettings.of(GroupSource.all(EventFilter.category("order")))).group();
        CompletableFuture<List<Message>> waitingOnStream = GroupTestSupport.inNewThread(() -> streamGroup.fetch("c1", 10, Duration.ofSeconds(60)));
        CompletableFuture<List<Message>> waitingOnAll = GroupTestSupport.inNewThread(() -> allGroup.fetch("c1", 10, Duration.ofSeconds(60)));
        await().until(() -> streamGroup.status().consumers() == 1 && allGroup.status().consumers() == 1);

        append(store, "order-1", 1);

        // With the fallback poll an hour away, only the append's wake-up can deliver within the wait.
        assertThat(waitingOnStream.orTimeout(30, TimeUnit.SECONDS).join()).hasSize(1);
        assertThat(waitingOnAll.orTimeout(30, TimeUnit.SECONDS).join()).hasSize(1);
    }

    @Test
    void statusCountsLagInFlightAndConsumers() {
        append(store, "order-1", 4);
        append(store, "order-2", 4);
        ConsumerGroup group = groups.create("g", fromStart(GroupSource.all()).withOrdering(Ordering.NONE)).group();

        List<Message> first = fetchAtLeast(group, "c1", 8, Duration.ofSeconds(5));
        group.ack(ackIds(first.subList(0, 3)));
        group.fetch("c2", 1, Duration.ZERO);

        GroupStatus status = group.status();
        assertThat(status.inFlight()).isEqualTo(5);
        assertThat(status.lag()).isEqualTo(5);
        assertThat(status.consumers()).isEqualTo(2);
        assertThat(status.name()).isEqualTo("g");
    }

    @Test
    void fetchArgumentsAreChecked() {
        ConsumerGroup group = groups.create("g", fromStart(GroupSource.all())).group();
        assertThatThrownBy(() -> group.fetch("c", 0, Duration.ZERO)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("max");
        assertThatThrownBy(() -> group.fetch("c", 1001, Duration.ZERO)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("max");
        assertThatThrownBy(() -> group.fetch("", 1, Duration.ZERO)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("consumer");
        assertThatThrownBy(() -> group.fetch("c", 1, Duration.ofSeconds(-1))).isInstanceOf(InvalidRequestException.class).hasMessageContaining("wait");
        assertThatThrownBy(() -> group.nack(List.of(), NackAction.RETRY, Duration.ofDays(2))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("delay");
    }

    @Test
    void garbageAckIdsAreCountedAsUnknown() {
        append(store, "order-1", 1);
        ConsumerGroup group = groups.create("g", fromStart(GroupSource.all())).group();
        List<Message> got = fetchAtLeast(group, "c1", 1, Duration.ofSeconds(5));

        AckResult result = group.ack(List.of("", "zz", "1.2.3", "-1.0", "abc.99999999", got.getFirst().ackId(), got.getFirst().ackId()));

        assertThat(result).isEqualTo(new AckResult(1, 6));
    }
}
