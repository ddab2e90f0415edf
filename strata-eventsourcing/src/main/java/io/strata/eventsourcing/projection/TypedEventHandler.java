package io.strata.eventsourcing.projection;

/**
 * Applies one decoded event (after upcasting) to a read model; see
 * {@link Projection.Builder#on(Class, TypedEventHandler)}.
 *
 * @param <E> the event's class, as registered with the serializer
 * @param <C> the context the handler needs
 */
@FunctionalInterface
public interface TypedEventHandler<E, C extends ProjectionContext> {
    void handle(E event, EventEnvelope<C> envelope) throws Exception;
}
