package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Checkpoints in the read model's own database: each batch's writes and the checkpoint row commit in
 * one transaction. Guarantee: <b>exactly once</b> for everything the handlers write through
 * {@link JdbcProjectionContext#connection()}, across crashes (a transaction that did not commit left
 * no trace; one that did moved the checkpoint past its events), and across a commit whose answer was
 * lost (the runner re-reads the checkpoint before it retries).
 *
 * <pre>
 *   projection_checkpoints(name, version, position)   one row per projection version; -1: nothing yet
 *   projection_versions(name, active_version, side_effects_through)
 *                                                       the version readers use; -1: no earlier version
 * </pre>
 *
 * <p>Readers find the table to read through {@link #activeVersion}, or through a view that the
 * projection's {@code onActivate} hook re-points in the switch-over's transaction.
 *
 * <p>Concurrency: the checkpoint moves with {@code UPDATE … WHERE position = <the one this runner
 * read>}, so a second runner of the same version finds 0 rows updated and stops
 * ({@link CheckpointConflictException}) instead of applying events twice. A batch reads the active
 * version with {@code FOR SHARE}; the switch-over takes {@code FOR UPDATE} on that row, so it waits
 * for the old version's batch in flight and records the checkpoint that batch committed as the point
 * through which side effects fired. Written for and tested on PostgreSQL (READ COMMITTED, which the
 * session sets); the SQL is otherwise plain.
 *
 * <p>Uses {@code javax.sql.DataSource} only: bring your own driver and pool. A runner keeps one
 * connection for its lifetime. Thread-safe.
 */
public final class JdbcCheckpointStore implements CheckpointStore<JdbcProjectionContext> {
    static final long NONE = -1;

    private final DataSource dataSource;

    private JdbcCheckpointStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A store over {@code dataSource}, creating its two tables when missing. */
    public static JdbcCheckpointStore create(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        JdbcCheckpointStore store = new JdbcCheckpointStore(dataSource);
        store.createTables();
        return store;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    private void createTables() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("CREATE TABLE IF NOT EXISTS projection_checkpoints (name VARCHAR(200) NOT NULL, "
                    + "version INTEGER NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (name, version))");
            s.execute("CREATE TABLE IF NOT EXISTS projection_versions (name VARCHAR(200) NOT NULL PRIMARY KEY, "
                    + "active_version INTEGER NOT NULL, side_effects_through BIGINT NOT NULL)");
        } catch (SQLException e) {
            throw new ProjectionStoreException("cannot create the tables projection_checkpoints and projection_versions", e);
        }
    }

    @Override
    public CheckpointSession<JdbcProjectionContext> open(String projection, int version) {
        JdbcCheckpointSession session = new JdbcCheckpointSession(dataSource, projection, version);
        session.connect();
        return session;
    }

    @Override
    public Optional<Position> checkpoint(String projection, int version) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return readCheckpoint(c, projection, version);
        } catch (SQLException e) {
            throw new ProjectionStoreException("cannot read the checkpoint of " + projection + "@v" + version, e);
        }
    }

    @Override
    public Optional<ActiveVersion> activeVersion(String projection) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return readActiveVersion(c, projection, "");
        } catch (SQLException e) {
            throw new ProjectionStoreException("cannot read the active version of " + projection, e);
        }
    }

    @Override
    public boolean transactional() {
        return true;
    }

    static Optional<Position> readCheckpoint(Connection c, String projection, int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT position FROM projection_checkpoints WHERE name = ? AND version = ?")) {
            s.setString(1, projection);
            s.setInt(2, version);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? position(r.getLong(1)) : Optional.empty();
            }
        }
    }

    /** @param lock "", " FOR SHARE" or " FOR UPDATE" */
    static Optional<ActiveVersion> readActiveVersion(Connection c, String projection, String lock) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT active_version, side_effects_through FROM projection_versions WHERE name = ?" + lock)) {
            s.setString(1, projection);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new ActiveVersion(projection, r.getInt(1), position(r.getLong(2)))) : Optional.empty();
            }
        }
    }

    static Optional<Position> position(long stored) {
        return stored < 0 ? Optional.empty() : Optional.of(Position.of(stored));
    }
}
