package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Processed event ids in a database table, {@code processed_events(consumer, event_id, position)},
 * committed on their own (auto-commit), not in a projection's transaction: the point is to remember
 * an external effect that already happened even when the projection's transaction rolls back.
 *
 * <p>Guarantee: survives restarts and crashes. With {@link IdempotentHandler} (which records the id
 * after the handler returned) an effect runs again only if the process dies between the effect and
 * the insert: at least once, with a window of one event instead of a checkpoint interval.
 *
 * <p>Bounded: every {@code retainPositions / 10} inserts it deletes the ids of events more than
 * {@code retainPositions} positions behind the newest one; a duplicate older than that is no longer
 * recognised. Choose the bound above the replay window of the checkpoint store (e.g. 10 × its
 * {@code everyEvents}). Thread-safe (one connection, used under a lock).
 */
public final class JdbcProcessedEvents implements ProcessedEvents, AutoCloseable {
    private final DataSource dataSource;
    private final String consumer;
    private final long retainPositions;
    private final long pruneEvery;
    private Connection connection;
    private long insertsSincePrune;
    private long newest = -1;

    private JdbcProcessedEvents(DataSource dataSource, String consumer, long retainPositions) {
        this.dataSource = dataSource;
        this.consumer = consumer;
        this.retainPositions = retainPositions;
        this.pruneEvery = Math.max(1, retainPositions / 10);
    }

    /**
     * Ids of events processed by {@code consumer} (a name of the handler), keeping those within
     * {@code retainPositions} of the newest; creates the table when missing.
     */
    public static JdbcProcessedEvents create(DataSource dataSource, String consumer, long retainPositions) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(consumer, "consumer");
        if (retainPositions < 1) {
            throw new IllegalArgumentException("retainPositions is 1 or more, got " + retainPositions);
        }
        JdbcProcessedEvents events = new JdbcProcessedEvents(dataSource, consumer, retainPositions);
        events.createTable();
        return events;
    }

    private void createTable() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("CREATE TABLE IF NOT EXISTS processed_events (consumer VARCHAR(200) NOT NULL, "
                    + "event_id CHAR(36) NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (consumer, event_id))");
            s.execute("CREATE INDEX IF NOT EXISTS processed_events_position ON processed_events (consumer, position)");
        } catch (SQLException e) {
            throw new ProjectionStoreException("cannot create the table processed_events", e);
        }
    }

    @Override
    public synchronized boolean contains(UUID eventId) {
        try (PreparedStatement s = connection().prepareStatement(
                "SELECT 1 FROM processed_events WHERE consumer = ? AND event_id = ?")) {
            s.setString(1, consumer);
            s.setString(2, eventId.toString());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw failed("look up event " + eventId, e);
        }
    }

    @Override
    public synchronized void add(UUID eventId, Position position) {
        try {
            try (PreparedStatement s = connection().prepareStatement(
                    "INSERT INTO processed_events (consumer, event_id, position) VALUES (?, ?, ?)")) {
                s.setString(1, consumer);
                s.setString(2, eventId.toString());
                s.setLong(3, position.value());
                s.executeUpdate();
            } catch (SQLException e) {
                if (!JdbcCheckpointSession.isIntegrityViolation(e)) {
                    throw e;
                }
                // already there: a concurrent duplicate; that is the state we want
            }
            newest = Math.max(newest, position.value());
            if (++insertsSincePrune >= pruneEvery) {
                insertsSincePrune = 0;
                prune();
            }
        } catch (SQLException e) {
            throw failed("record event " + eventId, e);
        }
    }

    private void prune() throws SQLException {
        try (PreparedStatement s = connection().prepareStatement(
                "DELETE FROM processed_events WHERE consumer = ? AND position < ?")) {
            s.setString(1, consumer);
            s.setLong(2, newest - retainPositions);
            s.executeUpdate();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private ProjectionStoreException failed(String what, SQLException e) {
        try {
            if (connection != null && !connection.isValid(1)) {
                connection.close();
                connection = null;
            }
        } catch (SQLException ignored) {
            connection = null;
        }
        return new ProjectionStoreException("processed_events (" + consumer + "): cannot " + what, e);
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // nothing to do
            }
            connection = null;
        }
    }
}
