package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Optional;
import java.util.Set;

/**
 * One transaction of a {@link JdbcCheckpointSession}: the handlers' writes, then the checkpoint
 * row, then commit. Closed without commit, it rolls back.
 */
final class JdbcBatch implements ProjectionBatch<JdbcProjectionContext> {
    private final JdbcCheckpointSession session;
    private final Connection connection;
    private final Set<PreparedStatement> batched = JdbcCheckpointSession.newBatchSet();
    private Optional<ActiveVersion> active;
    private boolean done;

    JdbcBatch(JdbcCheckpointSession session) {
        this.session = session;
        this.connection = session.connection();
    }

    @Override
    public Optional<ActiveVersion> activeVersion() {
        if (active == null) {
            try {
                active = JdbcCheckpointStore.readActiveVersion(connection, session.projection(), " FOR SHARE");
            } catch (SQLException e) {
                throw failed("read the active version", e);
            }
        }
        return active;
    }

    @Override
    public Optional<Position> checkpointOf(int activeVersion) {
        try {
            return JdbcCheckpointStore.readCheckpoint(connection, session.projection(), activeVersion);
        } catch (SQLException e) {
            throw failed("read the checkpoint of version " + activeVersion, e);
        }
    }

    @Override
    public JdbcProjectionContext context(ProjectionContext base) {
        return new Context(base);
    }

    @Override
    public ActiveVersion activate() {
        try {
            Optional<ActiveVersion> current = JdbcCheckpointStore.readActiveVersion(connection, session.projection(), " FOR UPDATE");
            if (current.isEmpty()) {
                return insertActive();
            }
            if (current.get().version() == session.version()) {
                return current.get();
            }
            // Under the row lock, so the old version's last batch has committed: its checkpoint is
            // where it fired side effects through.
            Optional<Position> oldCheckpoint = JdbcCheckpointStore.readCheckpoint(connection, session.projection(), current.get().version());
            Optional<Position> through = InMemoryCheckpointStore.max(current.get().sideEffectsThrough(), oldCheckpoint);
            try (PreparedStatement s = connection.prepareStatement(
                    "UPDATE projection_versions SET active_version = ?, side_effects_through = ? WHERE name = ?")) {
                s.setInt(1, session.version());
                s.setLong(2, through.map(Position::value).orElse(JdbcCheckpointStore.NONE));
                s.setString(3, session.projection());
                s.executeUpdate();
            }
            active = Optional.of(new ActiveVersion(session.projection(), session.version(), through));
            return active.get();
        } catch (SQLException e) {
            throw failed("activate version " + session.version(), e);
        }
    }

    @Override
    public ActiveVersion activateIfNone() {
        try {
            Optional<ActiveVersion> current = JdbcCheckpointStore.readActiveVersion(connection, session.projection(), "");
            if (current.isPresent()) {
                return current.get();
            }
            Savepoint savepoint = connection.setSavepoint();
            try {
                return insertActive();
            } catch (SQLException e) {
                if (!JdbcCheckpointSession.isIntegrityViolation(e)) {
                    throw e;
                }
                connection.rollback(savepoint); // another runner was first
                return JdbcCheckpointStore.readActiveVersion(connection, session.projection(), "").orElseThrow();
            }
        } catch (SQLException e) {
            throw failed("activate a first version", e);
        }
    }

    private ActiveVersion insertActive() throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO projection_versions (name, active_version, side_effects_through) VALUES (?, ?, ?)")) {
            s.setString(1, session.projection());
            s.setInt(2, session.version());
            s.setLong(3, JdbcCheckpointStore.NONE);
            s.executeUpdate();
        }
        active = Optional.of(new ActiveVersion(session.projection(), session.version(), Optional.empty()));
        return active.get();
    }

    @Override
    public void commit(Optional<Position> through) {
        try {
            for (PreparedStatement s : batched) {
                s.executeBatch();
            }
            batched.clear();
            if (through.isPresent()) {
                moveCheckpoint(through.get().value());
            }
            connection.commit();
            done = true;
            through.ifPresent(p -> session.committed(p.value()));
        } catch (SQLException e) {
            throw failed("commit", e);
        }
    }

    private void moveCheckpoint(long position) throws SQLException {
        if (position <= session.committedPosition()) {
            // A second line of defence behind the runner: a batch ending at or before the checkpoint
            // holds events that were already applied (e.g. re-sent after a commit whose answer was lost).
            rollbackQuietly();
            throw new CheckpointConflictException("projection " + session.projection() + "@v" + session.version()
                    + " would move its checkpoint from " + session.committedPosition() + " to " + position
                    + ": those events were already applied; the batch was rolled back");
        }
        PreparedStatement s = session.statement(
                "UPDATE projection_checkpoints SET position = ? WHERE name = ? AND version = ? AND position = ?");
        s.setLong(1, position);
        s.setString(2, session.projection());
        s.setInt(3, session.version());
        s.setLong(4, session.committedPosition());
        if (s.executeUpdate() != 1) {
            rollbackQuietly();
            session.markSuspect();
            throw new CheckpointConflictException("the checkpoint of " + session.projection() + "@v" + session.version()
                    + " is no longer " + session.committedPosition() + ": another runner of this version committed meanwhile");
        }
    }

    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        for (PreparedStatement s : batched) {
            try {
                s.clearBatch();
            } catch (SQLException e) {
                session.markSuspect();
            }
        }
        rollbackQuietly();
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            session.markSuspect();
        }
    }

    private ProjectionStoreException failed(String what, SQLException e) {
        session.markSuspect();
        return new ProjectionStoreException("projection " + session.projection() + "@v" + session.version()
                + ": cannot " + what + " (SQLState " + e.getSQLState() + ")", e);
    }

    /** The handlers' view: the runner's context plus this transaction. */
    private final class Context implements JdbcProjectionContext {
        private final ProjectionContext base;

        Context(ProjectionContext base) {
            this.base = base;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public PreparedStatement statement(String sql) throws SQLException {
            return session.statement(sql);
        }

        @Override
        public PreparedStatement batchedStatement(String sql) throws SQLException {
            return session.batchedStatement(sql, batched);
        }

        @Override
        public String projection() {
            return base.projection();
        }

        @Override
        public int version() {
            return base.version();
        }

        @Override
        public boolean isReplay() {
            return base.isReplay();
        }

        @Override
        public void sideEffect(Runnable effect) {
            base.sideEffect(effect);
        }
    }
}
