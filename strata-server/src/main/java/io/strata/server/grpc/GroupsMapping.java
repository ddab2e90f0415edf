package io.strata.server.grpc;

import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.protocol.GroupsProtoMapping;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.v1.GroupInfo;
import io.strata.protocol.v1.GroupMessage;
import io.strata.protocol.v1.GroupStart;
import io.strata.server.groups.GroupSettings;
import io.strata.server.groups.GroupSource;
import io.strata.server.groups.GroupStatus;
import io.strata.server.groups.Message;
import io.strata.server.groups.NackAction;
import io.strata.server.groups.Ordering;
import io.strata.server.groups.ParkReason;
import io.strata.server.groups.ParkedMessage;
import io.strata.server.groups.StartFrom;
import java.time.Duration;

/**
 * {@code consumer_groups.proto}'s messages to and from the core's group types
 * ({@code io.strata.server.groups}). Unset fields take the defaults the HTTP API documents; values the
 * core would refuse come back as its {@code invalid_request}.
 */
final class GroupsMapping {
    private GroupsMapping() {
    }

    static GroupSettings fromProto(io.strata.protocol.v1.GroupSettings proto) {
        GroupSource source = switch (proto.getSourceCase()) {
            case STREAM -> GroupSource.stream(proto.getStream());
            case ALL -> GroupSource.all(ProtoMapping.fromProto(proto.getAll()));
            case SOURCE_NOT_SET -> throw new InvalidRequestException("a group's settings need a source: a stream or all");
        };
        StartFrom start = proto.hasFrom() ? fromProto(proto.getFrom()) : StartFrom.END;
        Ordering ordering = switch (proto.getOrdering()) {
            case PER_STREAM -> Ordering.PER_STREAM;
            case NONE -> Ordering.NONE;
            case UNRECOGNIZED -> throw new InvalidRequestException("unknown ordering " + proto.getOrderingValue());
        };
        int maxDeliveries = proto.getMaxDeliveries() == 0 ? GroupSettings.DEFAULT_MAX_DELIVERIES : proto.getMaxDeliveries();
        if (maxDeliveries < 0) { // a uint32 over Integer.MAX_VALUE
            throw new InvalidRequestException("maxDeliveries must be between 1 and " + GroupSettings.MAX_DELIVERIES_LIMIT
                    + ", got " + Integer.toUnsignedString(maxDeliveries));
        }
        Duration ackTimeout = proto.hasAckTimeout()
                ? GroupsProtoMapping.fromProto(proto.getAckTimeout(), "ackTimeout")
                : GroupSettings.DEFAULT_ACK_TIMEOUT;
        return new GroupSettings(source, start, ordering, maxDeliveries, ackTimeout);
    }

    static io.strata.protocol.v1.GroupSettings toProto(GroupSettings settings) {
        io.strata.protocol.v1.GroupSettings.Builder proto = io.strata.protocol.v1.GroupSettings.newBuilder()
                .setFrom(toProto(settings.start()))
                .setOrdering(settings.ordering() == Ordering.PER_STREAM
                        ? io.strata.protocol.v1.GroupSettings.Ordering.PER_STREAM
                        : io.strata.protocol.v1.GroupSettings.Ordering.NONE)
                .setMaxDeliveries(settings.maxDeliveries())
                .setAckTimeout(GroupsProtoMapping.toProto(settings.ackTimeout()));
        switch (settings.source()) {
            case GroupSource.Stream stream -> proto.setStream(stream.name());
            case GroupSource.All all -> proto.setAll(ProtoMapping.toProto(all.filter()));
        }
        return proto.build();
    }

    private static StartFrom fromProto(GroupStart proto) {
        return switch (proto.getKind()) {
            case END -> StartFrom.END;
            case START -> StartFrom.START;
            case POSITION -> {
                if (proto.getPosition() < 0) {
                    throw new InvalidRequestException("from position is over the largest value, " + Long.MAX_VALUE + ": got "
                            + Long.toUnsignedString(proto.getPosition()));
                }
                yield StartFrom.at(Position.of(proto.getPosition()));
            }
            case UNRECOGNIZED -> throw new InvalidRequestException("unknown start kind " + proto.getKindValue());
        };
    }

    private static GroupStart toProto(StartFrom start) {
        return switch (start) {
            case StartFrom.End end -> GroupStart.newBuilder().setKind(GroupStart.Kind.END).build();
            case StartFrom.Start first -> GroupStart.newBuilder().setKind(GroupStart.Kind.START).build();
            case StartFrom.At at -> GroupStart.newBuilder().setKind(GroupStart.Kind.POSITION).setPosition(at.position().value()).build();
        };
    }

    static GroupInfo toProto(GroupStatus status) {
        return GroupInfo.newBuilder()
                .setName(status.name())
                .setSettings(toProto(status.settings()))
                .setCheckpoint(status.checkpoint().value())
                .setLag(status.lag())
                .setInFlight(status.inFlight())
                .setParked(status.parked())
                .setConsumers(status.consumers())
                .build();
    }

    static GroupMessage toProto(Message message) {
        return GroupsProtoMapping.toProto(message.ackId(), message.deliveryCount(), message.event());
    }

    static io.strata.protocol.v1.ParkedMessage toProto(ParkedMessage parked) {
        return io.strata.protocol.v1.ParkedMessage.newBuilder()
                .setEvent(ProtoMapping.toProto(parked.event()))
                .setDeliveryCount(parked.deliveryCount())
                .setReason(parked.reason() == ParkReason.NACKED
                        ? io.strata.protocol.v1.ParkedMessage.Reason.NACKED
                        : io.strata.protocol.v1.ParkedMessage.Reason.MAX_DELIVERIES)
                .setParkedAt(ProtoMapping.timestamp(parked.parkedAt()))
                .build();
    }

    static NackAction fromProto(io.strata.protocol.v1.NackAction action) {
        return switch (action) {
            case RETRY -> NackAction.RETRY;
            case PARK -> NackAction.PARK;
            case SKIP -> NackAction.SKIP;
            case UNRECOGNIZED -> throw new InvalidRequestException("unknown nack action");
        };
    }

    /** A duration field that may be absent (then zero). */
    static Duration durationOrZero(boolean present, com.google.protobuf.Duration proto, String what) {
        return present ? GroupsProtoMapping.fromProto(proto, what) : Duration.ZERO;
    }

    /** A uint32 count from the wire, where 0 means {@code ifZero}; over {@code Integer.MAX_VALUE} is passed on as such. */
    static int countOr(int wire, int ifZero) {
        if (wire == 0) {
            return ifZero;
        }
        return wire < 0 ? Integer.MAX_VALUE : wire; // the core then refuses it with its own message
    }
}
