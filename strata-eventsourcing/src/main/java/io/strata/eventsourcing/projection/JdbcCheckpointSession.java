package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * One runner's connection to {@link JdbcCheckpointStore}: a connection in manual-commit mode kept
 * for the runner's life (opening one per batch costs more than a small batch), its prepared
 * statements, and the checkpoint as this session last committed or read it.
 *
 * <p>After a failure at the store level the session is "suspect": before the next batch it checks
 * the connection (reopening it if dead) and reads the checkpoint again, since a commit whose
 * answer was lost may have gone through. Used by one thread.
 */
final class JdbcCheckpointSession implements CheckpointSession<JdbcProjectionContext> {
    private final DataSource dataSource;
    private final String projection;
    private final int version;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Map<String, PreparedStatement> batchedStatements = new HashMap<>();
    private Connection connection;
    private long checkpoint = JdbcCheckpointStore.NONE;
    private boolean suspect;

    JdbcCheckpointSession(DataSource dataSource, String projection, int version) {
        this.dataSource = dataSource;
        this.projection = projection;
        this.version = version;
    }

    String projection() {
        return projection;
    }

    int version() {
        return version;
    }

    /** Opens the connection, creates this version's checkpoint row when missing, reads the checkpoint. */
    void connect() {
        try {
            closeConnection();
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            // The switch-over's lock protocol relies on each statement seeing the latest commits.
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            insertCheckpointRowIfMissing();
            checkpoint = JdbcCheckpointStore.readCheckpoint(connection, projection, version).map(Position::value)
                    .orElse(JdbcCheckpointStore.NONE);
            connection.commit();
            suspect = false;
        } catch (SQLException e) {
            suspect = true;
            throw new ProjectionStoreException("cannot open the checkpoint of " + projection + "@v" + version, e);
        }
    }

    private void insertCheckpointRowIfMissing() throws SQLException {
        if (JdbcCheckpointStore.readCheckpoint(connection, projection, version).isPresent()) {
            return;
        }
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO projection_checkpoints (name, version, position) VALUES (?, ?, ?)")) {
            s.setString(1, projection);
            s.setInt(2, version);
            s.setLong(3, JdbcCheckpointStore.NONE);
            s.executeUpdate();
        } catch (SQLException e) {
            if (!isIntegrityViolation(e)) {
                throw e;
            }
            connection.rollback(savepoint); // another runner inserted it first: fine
        }
    }

    static boolean isIntegrityViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    Connection connection() {
        return connection;
    }

    long committedPosition() {
        return checkpoint;
    }

    void committed(long position) {
        checkpoint = position;
    }

    void markSuspect() {
        suspect = true;
    }

    @Override
    public Optional<Position> checkpoint() {
        if (suspect) {
            revalidate();
        }
        return JdbcCheckpointStore.position(checkpoint);
    }

    @Override
    public ProjectionBatch<JdbcProjectionContext> begin() {
        if (suspect) {
            revalidate();
        }
        return new JdbcBatch(this);
    }

    /** Reuses a healthy connection (re-reading the checkpoint), or opens a new one. */
    private void revalidate() {
        try {
            if (connection != null && connection.isValid(2)) {
                connection.rollback();
                checkpoint = JdbcCheckpointStore.readCheckpoint(connection, projection, version).map(Position::value)
                        .orElse(JdbcCheckpointStore.NONE);
                connection.commit();
                suspect = false;
                return;
            }
        } catch (SQLException e) {
            // fall through to a new connection
        }
        connect();
    }

    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement s = statements.get(sql);
        if (s == null) {
            s = connection.prepareStatement(sql);
            statements.put(sql, s);
        }
        return s;
    }

    PreparedStatement batchedStatement(String sql, Set<PreparedStatement> usedInBatch) throws SQLException {
        PreparedStatement s = batchedStatements.get(sql);
        if (s == null) {
            s = connection.prepareStatement(sql);
            batchedStatements.put(sql, s);
        }
        usedInBatch.add(s);
        return s;
    }

    static Set<PreparedStatement> newBatchSet() {
        return new LinkedHashSet<>();
    }

    @Override
    public void close() {
        closeConnection();
    }

    private void closeConnection() {
        statements.clear();
        batchedStatements.clear();
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                // closing anyway
            }
            try {
                connection.close(); // closes its statements
            } catch (SQLException e) {
                // nothing left to do
            }
            connection = null;
        }
    }
}
