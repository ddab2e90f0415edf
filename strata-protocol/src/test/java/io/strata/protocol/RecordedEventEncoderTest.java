package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link RecordedEventEncoder} writes the very bytes the generated class writes for the same event. */
class RecordedEventEncoderTest {
    private final RecordedEventEncoder encoder = new RecordedEventEncoder();

    @Test
    void randomEventsEncodeToTheGeneratedBytes() {
        long seed = new Random().nextLong();
        RandomEvents events = new RandomEvents(new Random(seed));
        for (int i = 0; i < 20_000; i++) {
            RecordedEvent event = events.next();
            assertThat(encoder.encode(event)).as("seed " + seed + ", event " + i)
                    .isEqualTo(ProtoMapping.toProto(event).toByteArray());
        }
    }

    @Test
    void defaultsAreLeftOutAsProto3LeavesThemOut() {
        RecordedEvent event = new RecordedEvent(new UUID(0, 0), "s", "t", 0, Position.of(0), Instant.EPOCH,
                Optional.of(Instant.EPOCH), "", new byte[0], new byte[0]);

        byte[] encoded = encoder.encode(event);

        assertThat(encoded).isEqualTo(ProtoMapping.toProto(event).toByteArray());
        // id (2 + 36), stream (3), type (3), recorded_time and valid_time as empty messages (2 each)
        assertThat(encoded).hasSize(38 + 3 + 3 + 2 + 2);
    }

    @Test
    void aStringSeenBeforeIsEncodedAgainWhenItChangesBack() {
        RecordedEvent first = event("order-1", "Placed");
        RecordedEvent other = event("order-2", "Shipped");

        for (RecordedEvent event : new RecordedEvent[] {first, other, first, first, other}) {
            assertThat(encoder.encode(event)).isEqualTo(ProtoMapping.toProto(event).toByteArray());
        }
    }

    private static RecordedEvent event(String stream, String type) {
        return new RecordedEvent(UUID.randomUUID(), stream, type, 3, Position.of(12), RandomEvents.RECORDED,
                Optional.empty(), "application/json", "{}".getBytes(), new byte[0]);
    }
}
