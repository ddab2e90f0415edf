package io.strata.eventsourcing.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The context of a JDBC projection: the connection of the transaction in which the runner also
 * moves the checkpoint. Whatever the handler writes through it commits together with the checkpoint
 * or not at all, which is what makes each event take effect exactly once.
 *
 * <p>Do not commit, roll back or close the connection, nor change its auto-commit mode.
 */
public interface JdbcProjectionContext extends ProjectionContext {

    /** The connection of the current transaction. */
    Connection connection();

    /**
     * A prepared statement for {@code sql} on this transaction's connection, cached for the runner's
     * lifetime (do not close it). It executes when the handler executes it.
     */
    PreparedStatement statement(String sql) throws SQLException;

    /**
     * Like {@link #statement} but for JDBC batching: set the parameters and call
     * {@link PreparedStatement#addBatch()}; the runner executes every batched statement just before it
     * moves the checkpoint, in the order the statements were first used in the batch. Reads in the
     * same batch do not see these writes yet, and different batched statements do not interleave:
     * use it for writes whose order does not matter (upserts that add, inserts of new rows).
     * Errors of batched statements surface at the commit, so the whole batch is retried and a
     * failure is reported at stage COMMIT rather than naming the event. Measured 2.6–3.5× faster
     * into PostgreSQL than one round trip per event (docs/benchmarks.md, "Projections").
     */
    PreparedStatement batchedStatement(String sql) throws SQLException;

    /**
     * The name of this version's copy of a table, {@code base + "_v" + version()}: a rebuild writes
     * its own tables beside the live version's. Only for names the projection chooses itself (it is
     * concatenated into SQL).
     */
    default String table(String base) {
        return base + "_v" + version();
    }
}
