package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.eventsourcing.serialization.DecodedEvent;
import io.strata.eventsourcing.serialization.EventMetadata;
import java.util.Objects;
import java.util.UUID;

/**
 * What a typed handler gets besides the event object: where the event is in the log, its metadata
 * (correlation and causation ids) and the runner's context.
 *
 * @param decoded the event as the serializer decoded it (payload, type after upcasting, metadata)
 * @param context the projection context (for JDBC: the transaction's connection)
 */
public record EventEnvelope<C extends ProjectionContext>(DecodedEvent decoded, C context) {
    public EventEnvelope {
        Objects.requireNonNull(decoded, "decoded");
        Objects.requireNonNull(context, "context");
    }

    public RecordedEvent recorded() {
        return decoded.recorded();
    }

    public EventMetadata metadata() {
        return decoded.metadata();
    }

    public UUID eventId() {
        return decoded.eventId();
    }

    public String stream() {
        return decoded.stream();
    }

    public long revision() {
        return decoded.revision();
    }

    public Position position() {
        return decoded.position();
    }

    /** {@link ProjectionContext#isReplay()}. */
    public boolean isReplay() {
        return context.isReplay();
    }

    /** {@link ProjectionContext#sideEffect(Runnable)}. */
    public void sideEffect(Runnable effect) {
        context.sideEffect(effect);
    }
}
