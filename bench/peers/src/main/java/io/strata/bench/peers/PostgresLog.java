package io.strata.bench.peers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One events table for one run. Appends are single statements in autocommit, so each is its own
 * transaction: the condition (the stream's last revision is the expected one) and the insert are one
 * statement, and the unique {@code (stream, revision)} key rejects the loser of two appends that
 * passed the same check at once.
 */
final class PostgresLog implements PeerLog {
    private static final String TYPE = "BenchEvent";
    private static final int COPY_CHUNK = 1 << 20;

    private final DataSource dataSource;
    private final String table;

    PostgresLog(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    @Override
    public Appender appender() throws SQLException {
        Connection connection = dataSource.getConnection();
        String lastRevision = "(SELECT coalesce(max(revision), -1) FROM " + table + " WHERE stream = ?) = ?";
        PreparedStatement one = connection.prepareStatement("INSERT INTO " + table + " (stream, revision, type, data) "
                + "SELECT ?, ?, '" + TYPE + "', ? WHERE " + lastRevision);
        PreparedStatement many = connection.prepareStatement("INSERT INTO " + table + " (stream, revision, type, data) "
                + "SELECT ?, ? + e.ord, '" + TYPE + "', e.data FROM unnest(?::bytea[]) WITH ORDINALITY AS e(data, ord) WHERE "
                + lastRevision);
        return new Appender() {
            @Override
            public long append(String stream, long expected, List<byte[]> events) throws SQLException {
                if (expected == Appender.ANY) {
                    throw new IllegalArgumentException("every append to PostgreSQL here is conditional");
                }
                int inserted;
                if (events.size() == 1) {
                    one.setString(1, stream);
                    one.setLong(2, expected + 1);
                    one.setBytes(3, events.get(0));
                    one.setString(4, stream);
                    one.setLong(5, expected);
                    inserted = one.executeUpdate();
                } else {
                    Array data = connection.createArrayOf("bytea", events.toArray(byte[][]::new));
                    many.setString(1, stream);
                    many.setLong(2, expected);
                    many.setArray(3, data);
                    many.setString(4, stream);
                    many.setLong(5, expected);
                    inserted = many.executeUpdate();
                    data.free();
                }
                if (inserted != events.size()) {
                    throw new IllegalStateException("append to " + stream + " expecting revision " + expected
                            + " inserted " + inserted + " of " + events.size() + " rows: the stream is elsewhere");
                }
                return expected + events.size();
            }

            @Override
            public void close() {
                Unchecked.run("closing a connection", connection::close);
            }
        };
    }

    /** COPY into the table on one connection: the fastest way in, for the setup of W4 and W5. */
    @Override
    public AsyncWriter asyncWriter(int maxInFlight) throws SQLException {
        Connection connection = dataSource.getConnection();
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + table + " (stream, revision, type, data) FROM STDIN");
        HexFormat hex = HexFormat.of();
        return new AsyncWriter() {
            private final ByteArrayOutputStream rows = new ByteArrayOutputStream(COPY_CHUNK + 4096);

            @Override
            public void send(String stream, long firstRevision, List<byte[]> events) throws SQLException {
                for (int i = 0; i < events.size(); i++) {
                    // text format: tab-separated; bytea as \x<hex>, its backslash escaped for COPY
                    String row = stream + "\t" + (firstRevision + i) + "\t" + TYPE + "\t\\\\x" + hex.formatHex(events.get(i)) + "\n";
                    rows.writeBytes(row.getBytes(StandardCharsets.UTF_8));
                }
                if (rows.size() >= COPY_CHUNK) {
                    flush();
                }
            }

            private void flush() throws SQLException {
                copy.writeToCopy(rows.toByteArray(), 0, rows.size());
                rows.reset();
            }

            @Override
            public void awaitAll(Duration timeout) throws SQLException {
                flush();
                copy.endCopy();
            }

            @Override
            public void close() {
                Unchecked.run("ending the COPY", () -> {
                    try (connection) {
                        if (copy.isActive()) {
                            copy.cancelCopy();
                        }
                    }
                });
            }
        };
    }

    @Override
    public PageReader pageReader(int pageSize) throws SQLException {
        Connection connection = dataSource.getConnection();
        PreparedStatement page = connection.prepareStatement("SELECT position, data FROM " + table
                + " WHERE position > ? ORDER BY position LIMIT ?");
        return new PageReader() {
            private long after; // positions start at 1

            @Override
            public int nextPage(ObjLongConsumer<byte[]> events) throws SQLException {
                page.setLong(1, after);
                page.setInt(2, pageSize);
                return forEachRow(page, row -> {
                    after = row.getLong(1);
                    events.accept(row.getBytes(2), after - 1);
                });
            }

            @Override
            public void close() {
                Unchecked.run("closing a connection", connection::close);
            }
        };
    }

    @Override
    public StreamReader streamReader() throws SQLException {
        Connection connection = dataSource.getConnection();
        PreparedStatement read = connection.prepareStatement("SELECT data FROM " + table + " WHERE stream = ? ORDER BY revision");
        return new StreamReader() {
            @Override
            public int readWhole(String stream, Consumer<byte[]> events) throws SQLException {
                read.setString(1, stream);
                return forEachRow(read, row -> events.accept(row.getBytes(1)));
            }

            @Override
            public void close() {
                Unchecked.run("closing a connection", connection::close);
            }
        };
    }

    /** Runs {@code query} and hands each row of its result to {@code row}; returns how many rows there were. */
    private static int forEachRow(PreparedStatement query, RowReader row) throws SQLException {
        int count = 0;
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                row.read(rows);
                count++;
            }
        }
        return count;
    }

    /** Reads the current row of a result. */
    private interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    @Override
    public void close() {
        Unchecked.run("dropping table " + table, () -> {
            try (Connection connection = dataSource.getConnection(); Statement s = connection.createStatement()) {
                s.execute("DROP TABLE " + table);
            }
        });
    }
}
