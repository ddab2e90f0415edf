package io.strata.bench;

import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.server.groups.ConsumerGroup;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.groups.GroupSettings;
import io.strata.server.groups.GroupSource;
import io.strata.server.groups.GroupStatus;
import io.strata.server.groups.Message;
import io.strata.server.groups.Ordering;
import io.strata.server.groups.StartFrom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * W7 on {@code strata-embedded}: {@link ConsumerGroups} over the target's engine, in the driver's JVM,
 * consumed by {@link FetchAckConsumers} calling {@link ConsumerGroup#fetch} and {@link ConsumerGroup#ack}
 * directly: the in-process reference for what the transports add.
 */
final class EmbeddedGroupTarget implements GroupTarget {
    private final EventStore store;
    private final ConsumerGroups groups;

    private EmbeddedGroupTarget(EventStore store, ConsumerGroups groups) {
        this.store = store;
        this.groups = groups;
    }

    static EmbeddedGroupTarget open(RunContext context) {
        EventStore store = context.openStore(context.durability());
        try {
            return new EmbeddedGroupTarget(store, ConsumerGroups.open(store, context.folder()));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public void create(String group) {
        groups.create(group, GroupSettings.of(GroupSource.all(EventFilter.streamPrefix(W7ConsumerGroup.STREAM_PREFIX)))
                .withStart(StartFrom.START).withOrdering(Ordering.PER_STREAM));
    }

    @Override
    public Consumers start(String group, int consumers, GroupPass pass) {
        ConsumerGroup consumerGroup = groups.get(group);
        return FetchAckConsumers.start(group, consumers, i -> new InProcess(consumerGroup), pass);
    }

    @Override
    public GroupState state(String group) {
        GroupStatus status = groups.get(group).status();
        return new GroupState(status.lag(), status.parked());
    }

    @Override
    public void delete(String group) {
        groups.delete(group);
    }

    @Override
    public Map<String, Object> facts() {
        return FetchAckConsumers.facts("ConsumerGroup.fetch + ack, in-process");
    }

    @Override
    public void close() {
        try {
            groups.close(); // writes the final checkpoints; before the store, as the server does
        } finally {
            store.close();
        }
    }

    /** The group itself: fetch and ack are method calls. */
    private record InProcess(ConsumerGroup group) implements FetchAckConsumers.Endpoint {
        @Override
        public List<FetchAckConsumers.Fetched> fetch(String consumer, int max, Duration wait) {
            List<Message> messages = group.fetch(consumer, max, wait);
            return messages.stream().map(m -> new FetchAckConsumers.Fetched(m.ackId(), m.deliveryCount(),
                    m.event().stream(), m.event().revision())).toList();
        }

        @Override
        public int ack(List<String> ackIds) {
            return group.ack(ackIds).acked();
        }
    }
}
