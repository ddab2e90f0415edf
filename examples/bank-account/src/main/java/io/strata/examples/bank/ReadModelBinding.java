package io.strata.examples.bank;

import io.strata.core.EventStore;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Ties a read model database to the one event store it is fed from. A checkpoint is a position in
 * one log: the same database pointed at another store (an embedded folder after a {@code strata
 * serve}, say) would resume at a position that means nothing there. Without this check the balances
 * table's version check stops the projection with "an event was skipped or repeated", which is true
 * but does not say why.
 *
 * <pre>
 *   bank_read_model_source(first_event_id)   one row: the id of the store's first event (position 0)
 * </pre>
 *
 * <p>Design note: the store is identified by the id of its first event because {@code StoreInfo} has
 * no store id; event ids are random UUIDs, so two logs do not share a first event by chance.
 */
final class ReadModelBinding {
    private ReadModelBinding() {
    }

    /**
     * Records which store {@code database} follows, or checks that it is {@code store}.
     *
     * @throws ReadModelException the database holds the read model of another store
     */
    static void bind(EventStore store, DataSource database) {
        Optional<UUID> firstEvent = store.readAll(ReadAllOptions.forwards().limit(1)).events().stream().findFirst().map(RecordedEvent::id);
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS bank_read_model_source (first_event_id VARCHAR(36) NOT NULL)");
            }
            Optional<String> bound = boundFirstEvent(c);
            if (bound.isEmpty()) {
                if (firstEvent.isPresent()) {
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO bank_read_model_source (first_event_id) VALUES (?)")) {
                        insert.setString(1, firstEvent.get().toString());
                        insert.executeUpdate();
                    }
                }
                return;
            }
            if (firstEvent.isEmpty() || !bound.get().equals(firstEvent.get().toString())) {
                throw new ReadModelException("this database holds the read model of another event store (whose first event is "
                        + bound.get() + "; this store's is " + firstEvent.map(UUID::toString).orElse("none: it is empty")
                        + "): use one database per store, or a new database", null);
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot check which store the read model follows", e);
        }
    }

    private static Optional<String> boundFirstEvent(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT first_event_id FROM bank_read_model_source")) {
            return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
    }
}
