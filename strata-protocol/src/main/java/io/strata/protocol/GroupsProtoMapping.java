package io.strata.protocol;

import io.strata.core.InvalidRequestException;
import io.strata.core.RecordedEvent;
import io.strata.protocol.v1.GroupMessage;
import java.time.Duration;

/**
 * The parts of {@code consumer_groups.proto}'s mapping that both sides share: durations and messages.
 * The group settings and statuses themselves are mapped where their Java types live (the server's
 * {@code io.strata.server.groups}, the client's own records), since this module sees neither.
 *
 * <p>As in {@link ProtoMapping}, values from the wire are not trusted: a duration that is negative or
 * does not fit a {@link Duration} becomes an {@link InvalidRequestException}.
 */
public final class GroupsProtoMapping {
    private GroupsProtoMapping() {
    }

    public static com.google.protobuf.Duration toProto(Duration duration) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(duration.getSeconds())
                .setNanos(duration.getNano())
                .build();
    }

    /**
     * A duration from the wire that must not be negative.
     *
     * @param what names the field in the error message, e.g. {@code "wait"}
     */
    public static Duration fromProto(com.google.protobuf.Duration proto, String what) {
        long seconds = proto.getSeconds();
        int nanos = proto.getNanos();
        // protobuf's rule: nanos in (-1e9, 1e9) with the sign of seconds.
        if (nanos <= -1_000_000_000 || nanos >= 1_000_000_000 || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
            throw new InvalidRequestException(what + " is not a valid duration: " + seconds + " s " + nanos + " ns");
        }
        Duration duration = Duration.ofSeconds(seconds, nanos);
        if (duration.isNegative()) {
            throw new InvalidRequestException(what + " must not be negative, got " + duration);
        }
        return duration;
    }

    /** One delivery, the event wrapped without copying its bytes. */
    public static GroupMessage toProto(String ackId, int deliveryCount, RecordedEvent event) {
        return GroupMessage.newBuilder()
                .setAckId(ackId)
                .setDeliveryCount(deliveryCount)
                .setEvent(ProtoMapping.toProto(event))
                .build();
    }
}
