package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.AllSlice;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamSlice;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link ReadWire} reads an answer's bytes into the slice {@link ProtoMapping#fromProto} makes of them. */
class ReadWireTest {
    @Test
    void aPageOfAllIsTheSliceTheGeneratedCodeGives() {
        for (Optional<Position> next : List.of(Optional.<Position>empty(), Optional.of(Position.of(0)), Optional.of(Position.of(5_000)))) {
            ReadAllResponse response = ProtoMapping.toProto(new AllSlice(events(20), next));

            AllSlice slice = ReadWire.readAllOneCall(EventStoreGrpc.getReadAllMethod())
                    .parseResponse(new ByteArrayInputStream(response.toByteArray()));

            AllSlice expected = ProtoMapping.fromProto(response);
            assertThat(slice.next()).isEqualTo(expected.next()).isEqualTo(next);
            assertThat(slice.events()).containsExactlyElementsOf(expected.events());
        }
    }

    @Test
    void aPageOfAStreamIsTheSliceTheGeneratedCodeGives() {
        for (OptionalLong next : List.of(OptionalLong.empty(), OptionalLong.of(0), OptionalLong.of(20))) {
            ReadStreamResponse response = ProtoMapping.toProto(new StreamSlice("order-1", events(20), 41, next));

            StreamSlice slice = ReadWire.readStreamOneCall(EventStoreGrpc.getReadStreamMethod())
                    .parseResponse(new ByteArrayInputStream(response.toByteArray()));

            assertThat(slice.stream()).isEqualTo("order-1");
            assertThat(slice.lastRevision()).isEqualTo(41);
            assertThat(slice.next()).isEqualTo(next);
            assertThat(slice.events()).containsExactlyElementsOf(ProtoMapping.fromProto(response).events());
        }
    }

    @Test
    void aPageOfAllAServerEncodesIsTheGeneratedMessagesBytes() {
        for (Optional<Position> next : List.of(Optional.<Position>empty(), Optional.of(Position.of(0)), Optional.of(Position.of(5_000)))) {
            AllSlice slice = new AllSlice(events(20), next);

            EncodedMessage page = ReadWire.allPage(encoded(slice.events()),
                    next.map(position -> OptionalLong.of(position.value())).orElse(OptionalLong.empty()));

            assertThat(page.bytes()).isEqualTo(ProtoMapping.toProto(slice).toByteArray());
        }
    }

    @Test
    void aPageOfAStreamAServerEncodesIsTheGeneratedMessagesBytes() {
        for (OptionalLong next : List.of(OptionalLong.empty(), OptionalLong.of(0), OptionalLong.of(20))) {
            for (StreamSlice slice : List.of(new StreamSlice("order-1", events(20), 41, next),
                    new StreamSlice("", List.of(), 0, next))) {
                EncodedMessage page = ReadWire.streamPage(slice.stream(), encoded(slice.events()), slice.lastRevision(), next);

                assertThat(page.bytes()).isEqualTo(ProtoMapping.toProto(slice).toByteArray());
            }
        }
    }

    @Test
    void anEncodedPageIsSentAsItsBytes() throws Exception {
        byte[] bytes = ProtoMapping.toProto(new AllSlice(events(3), Optional.empty())).toByteArray();

        var stream = ReadWire.serving(EventStoreGrpc.getReadAllMethod()).streamResponse(new EncodedMessage(bytes));

        assertThat(stream.available()).isEqualTo(bytes.length);
        java.io.ByteArrayOutputStream drained = new java.io.ByteArrayOutputStream();
        assertThat(((io.grpc.Drainable) stream).drainTo(drained)).isEqualTo(bytes.length);
        assertThat(drained.toByteArray()).isEqualTo(bytes);
        assertThat(stream.available()).isZero();
    }

    private static List<byte[]> encoded(List<RecordedEvent> events) {
        RecordedEventEncoder encoder = new RecordedEventEncoder();
        return events.stream().map(encoder::encode).toList();
    }

    @Test
    void anEmptyAnswerIsAnEmptySliceWithNothingNext() {
        AllSlice all = ReadWire.readAllOneCall(EventStoreGrpc.getReadAllMethod()).parseResponse(new ByteArrayInputStream(new byte[0]));
        StreamSlice stream = ReadWire.readStreamOneCall(EventStoreGrpc.getReadStreamMethod()).parseResponse(new ByteArrayInputStream(new byte[0]));

        assertThat(all.events()).isEmpty();
        assertThat(all.next()).isEmpty();
        assertThat(stream.events()).isEmpty();
        assertThat(stream.stream()).isEmpty();
        assertThat(stream.next()).isEmpty();
    }

    private static List<RecordedEvent> events(int count) {
        List<RecordedEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new RecordedEvent(UUID.randomUUID(), "order-1", i % 2 == 0 ? "Placed" : "Paid", 22 + i, Position.of(100 + i),
                    Instant.ofEpochSecond(1_790_000_000L, i), Optional.empty(), "application/json",
                    ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), new byte[0]));
        }
        return events;
    }
}
