package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.EventData;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An event instance is encoded once however many subscriptions send it; anything else is encoded anew. */
class EncodedEventsTest {
    private final AtomicInteger encodings = new AtomicInteger();
    private final EncodedEvents<String> encoded = new EncodedEvents<>(event -> {
        encodings.incrementAndGet();
        return event.stream() + "@" + event.position().value();
    });

    @Test
    void theSameInstanceIsEncodedOnce() {
        RecordedEvent event = event(7, 256);

        assertThat(encoded.of(event)).isEqualTo("s@7");
        assertThat(encoded.of(event)).isEqualTo("s@7");
        assertThat(encodings).hasValue(1);
    }

    @Test
    void anotherInstanceAtTheSamePositionIsEncodedAgain() {
        encoded.of(event(7, 256));
        RecordedEvent other = new RecordedEvent(UUID.randomUUID(), "t", "T", 0, Position.of(7), Instant.EPOCH,
                Optional.empty(), EventData.JSON, new byte[1], new byte[0]);

        assertThat(encoded.of(other)).isEqualTo("t@7");
        assertThat(encodings).hasValue(2);
    }

    @Test
    void largeEventsAreNotKept() {
        RecordedEvent large = event(9, EncodedEvents.MAX_EVENT_BYTES + 1);

        encoded.of(large);
        encoded.of(large);

        assertThat(encodings).hasValue(2);
    }

    private static RecordedEvent event(long position, int dataBytes) {
        return new RecordedEvent(UUID.randomUUID(), "s", "T", 0, Position.of(position), Instant.EPOCH,
                Optional.empty(), EventData.JSON, new byte[dataBytes], new byte[0]);
    }
}
