package io.strata.eventsourcing.projection;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL (embedded: the server binaries from Maven Central, started in a temp folder;
 * note its defaults turn fsync off) with a fresh database per test, and the JDBC balances model.
 */
final class Postgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final EmbeddedPostgres postgres;

    private Postgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static Postgres start() {
        try {
            return new Postgres(EmbeddedPostgres.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty database. */
    DataSource freshDatabase() {
        String name = "test_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return postgres.getDatabase("postgres", name);
    }

    String jdbcUrl(DataSource database) {
        try (Connection c = database.getConnection()) {
            return postgres.getJdbcUrl("postgres", c.getCatalog());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /**
     * The balances read model in table {@code balances_v<version>}: one upsert per event, in the
     * projection's transaction ({@code batched}: through JDBC batching).
     */
    static Projection<JdbcProjectionContext> balances(String name, int version, boolean batched) {
        return balancesBuilder(name, version, batched).build();
    }

    static Projection.Builder<JdbcProjectionContext> balancesBuilder(String name, int version, boolean batched) {
        EventHandler<JdbcProjectionContext> upsert = (event, context) -> {
            String table = context.table("balances");
            String sql = "INSERT INTO " + table + " (stream, events, balance) VALUES (?, 1, ?) "
                    + "ON CONFLICT (stream) DO UPDATE SET events = " + table + ".events + 1, balance = " + table + ".balance + EXCLUDED.balance";
            PreparedStatement s = batched ? context.batchedStatement(sql) : context.statement(sql);
            s.setString(1, event.stream());
            s.setLong(2, Accounts.signedAmount(event));
            if (batched) {
                s.addBatch();
            } else {
                s.executeUpdate();
            }
        };
        return JdbcProjection.builder(name).version(version)
                .onStart(context -> context.statement("CREATE TABLE IF NOT EXISTS " + context.table("balances")
                        + " (stream VARCHAR(200) PRIMARY KEY, events BIGINT NOT NULL, balance BIGINT NOT NULL)").execute())
                .on(Accounts.DEPOSITED, upsert)
                .on(Accounts.WITHDRAWN, upsert);
    }

    static Map<String, Accounts.Totals> readBalances(DataSource database, String table) {
        Map<String, Accounts.Totals> totals = new TreeMap<>();
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT stream, events, balance FROM " + table)) {
            while (r.next()) {
                totals.put(r.getString(1), new Accounts.Totals(r.getLong(2), r.getLong(3)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return totals;
    }

    static long checkpoint(DataSource database, String projection, int version) {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT position FROM projection_checkpoints WHERE name = ? AND version = ?")) {
            s.setString(1, projection);
            s.setInt(2, version);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : -2;
            }
        } catch (SQLException e) {
            return -2; // the table may not exist yet
        }
    }
}
