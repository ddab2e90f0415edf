package io.strata.client;

import io.strata.core.Position;
import io.strata.protocol.GroupsProtoMapping;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.v1.GroupInfo;
import io.strata.protocol.v1.GroupMessage;
import io.strata.protocol.v1.GroupStart;
import io.strata.protocol.v1.NackAction;
import io.strata.protocol.v1.ParkedMessage;

/** The client's group types to and from {@code consumer_groups.proto}'s messages. */
final class ConsumerGroupMapping {
    private ConsumerGroupMapping() {
    }

    static io.strata.protocol.v1.GroupSettings toProto(ConsumerGroupSettings settings) {
        io.strata.protocol.v1.GroupSettings.Builder proto = io.strata.protocol.v1.GroupSettings.newBuilder()
                .setFrom(toProto(settings.start()))
                .setOrdering(settings.ordering() == ConsumerGroupSettings.Ordering.PER_STREAM
                        ? io.strata.protocol.v1.GroupSettings.Ordering.PER_STREAM
                        : io.strata.protocol.v1.GroupSettings.Ordering.NONE)
                .setMaxDeliveries(settings.maxDeliveries())
                .setAckTimeout(GroupsProtoMapping.toProto(settings.ackTimeout()));
        switch (settings.source()) {
            case ConsumerGroupSettings.Source.Stream stream -> proto.setStream(stream.name());
            case ConsumerGroupSettings.Source.All all -> proto.setAll(ProtoMapping.toProto(all.filter()));
        }
        return proto.build();
    }

    static ConsumerGroupSettings fromProto(io.strata.protocol.v1.GroupSettings proto) {
        ConsumerGroupSettings.Source source = switch (proto.getSourceCase()) {
            case STREAM -> ConsumerGroupSettings.Source.stream(proto.getStream());
            case ALL, SOURCE_NOT_SET -> ConsumerGroupSettings.Source.all(ProtoMapping.fromProto(proto.getAll()));
        };
        ConsumerGroupSettings.Start start = switch (proto.getFrom().getKind()) {
            case START -> ConsumerGroupSettings.Start.START;
            case POSITION -> ConsumerGroupSettings.Start.at(Position.of(proto.getFrom().getPosition()));
            case END, UNRECOGNIZED -> ConsumerGroupSettings.Start.END;
        };
        ConsumerGroupSettings.Ordering ordering = proto.getOrdering() == io.strata.protocol.v1.GroupSettings.Ordering.NONE
                ? ConsumerGroupSettings.Ordering.NONE
                : ConsumerGroupSettings.Ordering.PER_STREAM;
        return new ConsumerGroupSettings(source, start, ordering, proto.getMaxDeliveries(),
                GroupsProtoMapping.fromProto(proto.getAckTimeout(), "ackTimeout"));
    }

    private static GroupStart toProto(ConsumerGroupSettings.Start start) {
        return switch (start) {
            case ConsumerGroupSettings.Start.First first -> GroupStart.newBuilder().setKind(GroupStart.Kind.START).build();
            case ConsumerGroupSettings.Start.Last last -> GroupStart.newBuilder().setKind(GroupStart.Kind.END).build();
            case ConsumerGroupSettings.Start.At at ->
                    GroupStart.newBuilder().setKind(GroupStart.Kind.POSITION).setPosition(at.position().value()).build();
        };
    }

    static ConsumerGroupStatus fromProto(GroupInfo proto) {
        return new ConsumerGroupStatus(proto.getName(), fromProto(proto.getSettings()), Position.of(proto.getCheckpoint()),
                proto.getLag(), proto.getInFlight(), proto.getParked(), proto.getConsumers());
    }

    static ConsumerMessage fromProto(GroupMessage proto) {
        return new ConsumerMessage(proto.getAckId(), proto.getDeliveryCount(), ProtoMapping.fromProto(proto.getEvent()));
    }

    static ConsumerParkedMessage fromProto(ParkedMessage proto) {
        ConsumerParkedMessage.Reason reason = proto.getReason() == ParkedMessage.Reason.NACKED
                ? ConsumerParkedMessage.Reason.NACKED
                : ConsumerParkedMessage.Reason.MAX_DELIVERIES;
        return new ConsumerParkedMessage(ProtoMapping.fromProto(proto.getEvent()), proto.getDeliveryCount(), reason,
                ProtoMapping.instant(proto.getParkedAt()));
    }

    static NackAction toProto(ConsumerNackAction action) {
        return switch (action) {
            case RETRY -> NackAction.RETRY;
            case PARK -> NackAction.PARK;
            case SKIP -> NackAction.SKIP;
        };
    }
}
