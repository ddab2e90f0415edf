package io.strata.eventsourcing.projection;

/**
 * Builders for projections into a relational database: their handlers get the
 * {@link JdbcProjectionContext} of the transaction in which {@link JdbcCheckpointStore} also moves
 * the checkpoint.
 *
 * <pre>{@code
 * Projection<JdbcProjectionContext> balances = JdbcProjection.builder("balances")
 *     .version(2)
 *     .onStart(ctx -> ctx.statement("CREATE TABLE IF NOT EXISTS " + ctx.table("balances") + " (...)").execute())
 *     .on("Deposited", (event, ctx) -> { PreparedStatement upsert = ctx.statement(...); ...; upsert.executeUpdate(); })
 *     .build();
 * ProjectionRunner.start(store, balances, JdbcCheckpointStore.create(dataSource));
 * }</pre>
 */
public final class JdbcProjection {
    private JdbcProjection() {
    }

    public static Projection.Builder<JdbcProjectionContext> builder(String name) {
        return Projection.builder(name, JdbcProjectionContext.class);
    }
}
