package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.protocol.SubscriptionWire.Incoming;
import io.strata.protocol.SubscriptionWire.Outgoing;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.SubscribeToAllRequest;
import io.strata.protocol.v1.SubscriptionMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link SubscriptionWire} puts exactly {@code SubscriptionMessage}'s bytes on the wire and reads them
 * back: checked against the generated code in both directions.
 */
class SubscriptionWireTest {
    private static final MethodDescriptor<SubscribeToAllRequest, Outgoing> SERVING =
            SubscriptionWire.serving(EventStoreGrpc.getSubscribeToAllMethod());

    @Test
    void whatTheServerDrainsIsTheSubscriptionMessageOfItsEvents() throws IOException {
        List<RecordedEvent> events = events(3, 300);
        InputStream stream = SERVING.streamResponse(outgoing(events, true));
        assertThat(stream).isInstanceOf(Drainable.class).isInstanceOf(KnownLength.class);
        int announced = stream.available();

        ByteArrayOutputStream drained = new ByteArrayOutputStream();
        int written = ((Drainable) stream).drainTo(drained);

        SubscriptionMessage parsed = SubscriptionMessage.parseFrom(drained.toByteArray());
        assertThat(parsed.getCaughtUp()).isTrue();
        assertThat(ProtoMapping.eventsFromProto(parsed.getEventsList())).containsExactlyElementsOf(events);
        assertThat(drained.size()).isEqualTo(written).isEqualTo(announced).isEqualTo(parsed.getSerializedSize());
    }

    @Test
    void whatTheServerSendsReadsTheSameAsAStreamAsDrained() throws IOException {
        Outgoing message = outgoing(events(2, 200_000), false); // lengths of three-byte varints
        byte[] drained = drain(SERVING.streamResponse(message));

        byte[] read = SERVING.streamResponse(message).readAllBytes();

        assertThat(read).isEqualTo(drained);
        assertThat(SubscriptionMessage.parseFrom(read).getEventsCount()).isEqualTo(2);
    }

    @Test
    void theFirstMessageWithoutEventsIsEmptyOnTheWireAndReadsAsNothing() throws IOException {
        byte[] bytes = drain(SERVING.streamResponse(new Outgoing(List.of(), false)));

        assertThat(bytes).isEmpty();
        Incoming incoming = receiving().parseResponse(new ByteArrayInputStream(bytes));
        assertThat(incoming.events()).isEmpty();
        assertThat(incoming.caughtUp()).isFalse();
    }

    @Test
    void theClientReadsWhatTheGeneratedCodeWritesUnknownFieldsIncluded() {
        List<RecordedEvent> events = events(4, 100);
        SubscriptionMessage message = SubscriptionMessage.newBuilder()
                .addAllEvents(events.stream().map(ProtoMapping::toProto).toList())
                .setCaughtUp(true)
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(15, UnknownFieldSet.Field.newBuilder().addVarint(7).addLengthDelimited(
                                com.google.protobuf.ByteString.copyFromUtf8("from a newer server")).build())
                        .build())
                .build();

        Incoming incoming = receiving().parseResponse(new ByteArrayInputStream(message.toByteArray()));

        assertThat(incoming.caughtUp()).isTrue();
        assertThat(incoming.events()).containsExactlyElementsOf(events);
    }

    @Test
    void aRoundTripThroughBothSidesKeepsEveryEventAndTheMark() {
        MethodDescriptor<SubscribeToAllRequest, Incoming> receiving = receiving();
        for (boolean caughtUp : new boolean[] {false, true}) {
            List<RecordedEvent> events = events(50, 256);

            Incoming incoming = receiving.parseResponse(SERVING.streamResponse(outgoing(events, caughtUp)));

            assertThat(incoming.caughtUp()).isEqualTo(caughtUp);
            assertThat(incoming.events()).containsExactlyElementsOf(events);
        }
    }

    private static MethodDescriptor<SubscribeToAllRequest, Incoming> receiving() {
        return SubscriptionWire.receivingOneCall(EventStoreGrpc.getSubscribeToAllMethod(), null);
    }

    private static byte[] drain(InputStream stream) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ((Drainable) stream).drainTo(bytes);
        return bytes.toByteArray();
    }

    private static Outgoing outgoing(List<RecordedEvent> events, boolean caughtUp) {
        return new Outgoing(events.stream().map(event -> ProtoMapping.toProto(event).toByteArray()).toList(), caughtUp);
    }

    private static List<RecordedEvent> events(int count, int dataBytes) {
        List<RecordedEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[dataBytes];
            java.util.Arrays.fill(data, (byte) ('a' + i % 26));
            events.add(new RecordedEvent(UUID.randomUUID(), "order-" + (i % 3), "Placed", i, Position.of(1_000 + i),
                    Instant.ofEpochSecond(1_790_000_000L + i, i * 1_000L),
                    i % 2 == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(1_700_000_000L)),
                    "application/json", data, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }
}
