package io.strata.server.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.EventData;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The delivery rules, without threads or a store: time is a number the test moves. */
class DispatcherTest {
    private static final long ACK_TIMEOUT = Duration.ofSeconds(30).toNanos();

    private long now = 1_000;
    private long nextPosition;
    private final Map<String, Long> revisions = new HashMap<>();

    private RecordedEvent event(String stream) {
        long revision = revisions.merge(stream, 1L, Long::sum) - 1;
        return new RecordedEvent(UUID.randomUUID(), stream, "T", revision, Position.of(nextPosition++), Instant.EPOCH,
                Optional.empty(), EventData.JSON, new byte[0], new byte[0]);
    }

    private Dispatcher dispatcher(Ordering ordering, int maxDeliveries, int capacity) {
        GroupSettings settings = GroupSettings.of(GroupSource.all()).withOrdering(ordering).withMaxDeliveries(maxDeliveries)
                .withAckTimeout(Duration.ofNanos(ACK_TIMEOUT));
        return new Dispatcher(settings, capacity, Checkpoint.ofAll(0), List.of(), 1);
    }

    private void admit(Dispatcher d, String... streams) {
        List<RecordedEvent> events = new ArrayList<>();
        for (String stream : streams) {
            events.add(event(stream));
        }
        d.admit(events, Checkpoint.ofAll(nextPosition));
    }

    private List<Message> fetch(Dispatcher d, int max) {
        List<Message> out = new ArrayList<>();
        d.expire(now);
        d.lease(max, now, out);
        return out;
    }

    private static List<String> keys(List<Message> messages) {
        return messages.stream().map(GroupTestSupport::key).toList();
    }

    private static AckIds.Parsed id(Message m) {
        return AckIds.parse(m.ackId());
    }

    @Test
    void perStreamDeliversOnlyTheOldestUnfinishedEventOfEachStream() {
        Dispatcher d = dispatcher(Ordering.PER_STREAM, 5, 100);
        admit(d, "a", "a", "b", "a", "b");

        List<Message> first = fetch(d, 10);
        assertThat(keys(first)).containsExactly("a@0", "b@0");
        assertThat(fetch(d, 10)).isEmpty();

        assertThat(d.ack(id(first.get(0)))).isTrue();
        assertThat(keys(fetch(d, 10))).containsExactly("a@1");
    }

    @Test
    void aGivenBackMessageComesAgainAtOnceWithoutCountingTheDelivery() {
        Dispatcher d = dispatcher(Ordering.PER_STREAM, 1, 100); // a counted failure would park at once
        admit(d, "a", "a");

        Message first = fetch(d, 10).get(0);
        assertThat(d.giveBack(id(first))).isTrue();
        assertThat(d.giveBack(id(first))).as("that delivery is over").isFalse();

        List<Message> again = fetch(d, 10);
        assertThat(keys(again)).as("still the oldest of its stream, not parked").containsExactly("a@0");
        assertThat(again.get(0).deliveryCount()).isEqualTo(1);
        assertThat(d.parkedRecords(10)).isEmpty();
    }

    @Test
    void orderingNoneDeliversEverythingAtOnce() {
        Dispatcher d = dispatcher(Ordering.NONE, 5, 100);
        admit(d, "a", "a", "a");

        assertThat(keys(fetch(d, 10))).containsExactly("a@0", "a@1", "a@2");
    }

    @Test
    void aDelayedRetryKeepsBlockingItsStream() {
        Dispatcher d = dispatcher(Ordering.PER_STREAM, 5, 100);
        admit(d, "a", "a");
        Message m = fetch(d, 10).getFirst();

        d.nack(id(m), NackAction.RETRY, 1_000, now);
        assertThat(fetch(d, 10)).isEmpty();
        assertThat(d.nextDeadline()).isEqualTo(now + 1_000);

        now += 1_000;
        List<Message> again = fetch(d, 10);
        assertThat(keys(again)).containsExactly("a@0");
        assertThat(again.getFirst().deliveryCount()).isEqualTo(2);
    }

    @Test
    void anExpiredLeaseIsRedeliveredAndItsOldAckIdIsUnknown() {
        Dispatcher d = dispatcher(Ordering.PER_STREAM, 5, 100);
        admit(d, "a");
        Message first = fetch(d, 10).getFirst();

        now += ACK_TIMEOUT;
        Message second = fetch(d, 10).getFirst();

        assertThat(second.deliveryCount()).isEqualTo(2);
        assertThat(second.ackId()).isNotEqualTo(first.ackId());
        assertThat(d.ack(id(first))).isFalse();
        assertThat(d.ack(id(second))).isTrue();
        assertThat(d.ack(id(second))).isFalse();
    }

    @Test
    void theLastAllowedFailureParksAndTheNextEventOfTheStreamFlows() {
        Dispatcher d = dispatcher(Ordering.PER_STREAM, 2, 100);
        admit(d, "a", "a");
        d.nack(id(fetch(d, 1).getFirst()), NackAction.RETRY, 0, now);   // delivery 1 failed
        Message second = fetch(d, 1).getFirst();
        assertThat(second.deliveryCount()).isEqualTo(2);

        d.nack(id(second), NackAction.RETRY, 0, now);                    // delivery 2 = maxDeliveries failed

        assertThat(d.parkedCount()).isEqualTo(1);
        assertThat(d.parkedRecords(10).getFirst()).satisfies(p -> {
            assertThat(p.position()).isEqualTo(0);
            assertThat(p.deliveryCount()).isEqualTo(2);
            assertThat(p.reason()).isEqualTo(ParkReason.MAX_DELIVERIES);
        });
        assertThat(keys(fetch(d, 10))).containsExactly("a@1");
    }

    @Test
    void theCheckpointIsTheOldestUnfinishedEventNotTheOldestUnacked() {
        Dispatcher d = dispatcher(Ordering.NONE, 5, 100);
        admit(d, "a", "b", "c", "d");
        List<Message> all = fetch(d, 10);

        d.ack(id(all.get(1)));
        assertThat(d.checkpoint().position()).isZero();
        d.nack(id(all.get(0)), NackAction.PARK, 0, now);
        assertThat(d.checkpoint().position()).isEqualTo(2); // parked and acked are both passed
        d.nack(id(all.get(2)), NackAction.SKIP, 0, now);
        d.ack(id(all.get(3)));
        assertThat(d.checkpoint().position()).isEqualTo(4); // nothing held: where reading goes on
    }

    @Test
    void aReplayedMessageGoesBehindTheEventsItsStreamHolds() {
        Dispatcher d = dispatcher(Ordering.PER_STREAM, 5, 100);
        admit(d, "a", "a", "a");
        Message poison = fetch(d, 1).getFirst();
        d.nack(id(poison), NackAction.PARK, 0, now);
        Message next = fetch(d, 1).getFirst();
        assertThat(GroupTestSupport.key(next)).isEqualTo("a@1");

        assertThat(d.replayAll()).isEqualTo(1);
        assertThat(d.parkedCount()).isZero();
        assertThat(d.takeReplays(10)).hasSize(1);
        assertThat(d.unfinished()).isEqualTo(3); // a@1 in flight, a@2 waiting, the replay being read
        d.admitReplay(poison.event());
        d.ack(id(next));

        List<Message> third = fetch(d, 10);
        assertThat(keys(third)).containsExactly("a@2");
        assertThat(fetch(d, 10)).isEmpty(); // the replayed a@0 waits behind a@2, one in flight per stream

        d.ack(id(third.getFirst()));
        List<Message> replayed = fetch(d, 10);
        assertThat(keys(replayed)).containsExactly("a@0");
        assertThat(replayed.getFirst().deliveryCount()).isEqualTo(1);
    }

    @Test
    void anAckedReplayLeavesTheParkedList() {
        Dispatcher d = dispatcher(Ordering.PER_STREAM, 5, 100);
        admit(d, "a");
        Message poison = fetch(d, 1).getFirst();
        d.nack(id(poison), NackAction.PARK, 0, now);
        assertThat(d.snapshot().parked()).hasSize(1);

        d.replayAll();
        List<ParkedRecord> replays = d.takeReplays(10);
        assertThat(replays).hasSize(1);
        assertThat(d.snapshot().parked()).isNull(); // still parked on disk while being replayed
        d.admitReplay(poison.event()); // as the reader reads it back
        Message replayed = fetch(d, 10).getFirst();
        assertThat(replayed.deliveryCount()).isEqualTo(1);

        d.ack(id(replayed));
        assertThat(d.snapshot().parked()).isEmpty();
        assertThat(d.parkedCount()).isZero();
    }

    @Test
    void roomIsTheWindowMinusEverythingHeld() {
        Dispatcher d = dispatcher(Ordering.NONE, 5, 3);
        admit(d, "a", "b");
        assertThat(d.room()).isEqualTo(1);
        List<Message> got = fetch(d, 10);
        assertThat(d.room()).isEqualTo(1); // in flight still holds room
        d.ack(id(got.get(0)));
        assertThat(d.room()).isEqualTo(2);
    }

    @Test
    void eventsAlreadyParkedAreNotHeldAgainWhenReread() {
        GroupSettings settings = GroupSettings.of(GroupSource.all());
        ParkedRecord parked = new ParkedRecord(1, "a", 1, 5, ParkReason.MAX_DELIVERIES, Instant.EPOCH);
        Dispatcher d = new Dispatcher(settings, 10, Checkpoint.ofAll(0), List.of(parked), 1);
        admit(d, "a", "a", "a");

        assertThat(keys(fetch(d, 10))).containsExactly("a@0");
        assertThat(d.parkedCount()).isEqualTo(1);
    }
}
