package io.strata.eventsourcing.projection;

import io.strata.core.RecordedEvent;

/**
 * Applies one event to a read model.
 *
 * <p>Design note: unlike the rest of the API this callback may throw checked exceptions, because
 * the code inside is the user's (JDBC handlers throw {@link java.sql.SQLException}); the runner
 * treats anything thrown as a failure of this event: it retries, then stops and reports.
 *
 * <p>A handler for a store that is not transactional ({@link CheckpointStore#transactional()})
 * should change nothing when it throws: it is called again for the same event.
 *
 * @param <C> the context the handler needs: {@link ProjectionContext}, or
 *            {@link JdbcProjectionContext} for the JDBC transaction
 */
@FunctionalInterface
public interface EventHandler<C extends ProjectionContext> {
    void handle(RecordedEvent event, C context) throws Exception;
}
