package io.strata.eventsourcing.projection;

import io.strata.core.RecordedEvent;
import java.util.Objects;

/**
 * Wraps a handler with external effects so that it skips events it already processed, by event id.
 *
 * <p>Why by id and not by position: the same fact can reach a handler twice at different positions
 * (appended again under the same id after the store's dedup window), and twice at the same
 * position (replayed after a crash, from a checkpoint store that is at least once). Why a bound:
 * remembering every id ever seen would grow with the log.
 *
 * <p>The id is recorded after the handler returns, so a handler that throws is retried, and an
 * effect runs again only if the process dies between the effect and the record. What is
 * remembered, for how long and across what, is the {@link ProcessedEvents}' guarantee:
 * {@link RecentProcessedEvents} (memory, this process) or {@link JdbcProcessedEvents} (a table,
 * across restarts).
 */
public final class IdempotentHandler<C extends ProjectionContext> implements EventHandler<C> {
    private final ProcessedEvents processed;
    private final EventHandler<C> handler;

    private IdempotentHandler(ProcessedEvents processed, EventHandler<C> handler) {
        this.processed = processed;
        this.handler = handler;
    }

    public static <C extends ProjectionContext> IdempotentHandler<C> of(ProcessedEvents processed, EventHandler<C> handler) {
        return new IdempotentHandler<>(Objects.requireNonNull(processed, "processed"), Objects.requireNonNull(handler, "handler"));
    }

    @Override
    public void handle(RecordedEvent event, C context) throws Exception {
        if (processed.contains(event.id())) {
            return;
        }
        handler.handle(event, context);
        processed.add(event.id(), event.position());
    }
}
