package io.strata.eventsourcing.projection;

import io.strata.core.Position;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The projecting process of {@link JdbcProjectionCrashIT}: opens the store the parent wrote,
 * projects it into PostgreSQL through {@link JdbcCheckpointStore}, and exits 0 once it has applied
 * everything, unless the parent kills it first (SIGKILL, so no graceful anything).
 *
 * <p>Arguments: store folder, JDBC URL of the database, batch size.
 */
public final class JdbcProjectionChild {
    private JdbcProjectionChild() {
    }

    public static void main(String[] args) {
        Path storeFolder = Path.of(args[0]);
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setURL(args[1]);
        int batchSize = Integer.parseInt(args[2]);
        try (EmbeddedEventStore store = Accounts.open(storeFolder)) {
            Position head = Accounts.head(store);
            JdbcCheckpointStore checkpoints = JdbcCheckpointStore.create(database);
            System.out.println("STARTED from " + checkpoints.checkpoint("balances", 1).map(Position::token).orElse("the start")
                    + ", head " + head);
            try (ProjectionRunner runner = ProjectionRunner.builder(store, Postgres.balances("balances", 1, true), checkpoints)
                    .batchSize(batchSize).start()) {
                if (!runner.awaitCheckpoint(head, Duration.ofMinutes(5))) {
                    System.out.println("TIMEOUT " + runner);
                    System.exit(2);
                }
            }
            System.out.println("DONE");
        }
    }
}
