package io.strata.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.EventFilter;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Skipping events already processed, by id, in memory and in a PostgreSQL table. */
class IdempotentHandlerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static Postgres postgres;

    @TempDir
    Path temp;

    @BeforeAll
    static void startPostgres() {
        postgres = Postgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    /** A context that is not a replay and runs side effects at once: the handler under test is called directly. */
    private static final ProjectionContext DIRECT = new ProjectionContext() {
        @Override
        public String projection() {
            return "direct";
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public boolean isReplay() {
            return false;
        }

        @Override
        public void sideEffect(Runnable effect) {
            effect.run();
        }
    };

    private static RecordedEvent event(UUID id, long position) {
        return new RecordedEvent(id, "account-1", Accounts.DEPOSITED, position, Position.of(position), Instant.EPOCH,
                Optional.empty(), "application/json", "{\"amount\":1}".getBytes(), new byte[0]);
    }

    @Test
    void anEventSeenAgainIsSkippedByItsId() throws Exception {
        AtomicInteger mails = new AtomicInteger();
        EventHandler<ProjectionContext> handler = IdempotentHandler.of(new RecentProcessedEvents(100),
                (event, context) -> mails.incrementAndGet());
        UUID id = UUID.randomUUID();
        handler.handle(event(id, 0), DIRECT);
        handler.handle(event(id, 0), DIRECT);   // replayed
        handler.handle(event(id, 17), DIRECT);  // appended again under the same id, elsewhere in the log
        handler.handle(event(UUID.randomUUID(), 18), DIRECT);
        assertThat(mails).hasValue(2);
    }

    @Test
    void aHandlerThatThrowsIsNotRecordedSoItsRetryRuns() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventHandler<ProjectionContext> handler = IdempotentHandler.of(new RecentProcessedEvents(100), (event, context) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("smtp down");
            }
        });
        RecordedEvent e = event(UUID.randomUUID(), 0);
        try {
            handler.handle(e, DIRECT);
        } catch (IllegalStateException expected) {
            // retried below
        }
        handler.handle(e, DIRECT);
        handler.handle(e, DIRECT);
        assertThat(calls).hasValue(2);
    }

    @Test
    void theInMemoryVariantForgetsTheLeastRecentlySeenBeyondItsCapacity() {
        RecentProcessedEvents recent = new RecentProcessedEvents(2);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        recent.add(a, Position.of(0));
        recent.add(b, Position.of(1));
        assertThat(recent.contains(a)).isTrue(); // a is now more recent than b
        recent.add(c, Position.of(2));
        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.contains(b)).isFalse();
        assertThat(recent.contains(a)).isTrue();
        assertThat(recent.contains(c)).isTrue();
    }

    @Test
    void theTableVariantKeepsIdsAcrossInstancesAndPrunesBeyondItsRetention() throws SQLException {
        DataSource database = postgres.freshDatabase();
        try (JdbcProcessedEvents first = JdbcProcessedEvents.create(database, "mailer", 100)) {
            for (int i = 0; i < 300; i++) {
                first.add(new UUID(0, i), Position.of(i));
            }
            first.add(new UUID(0, 299), Position.of(299)); // a duplicate insert is fine
        }
        try (JdbcProcessedEvents second = JdbcProcessedEvents.create(database, "mailer", 100);
             JdbcProcessedEvents other = JdbcProcessedEvents.create(database, "archiver", 100)) {
            assertThat(second.contains(new UUID(0, 299))).isTrue();
            assertThat(second.contains(new UUID(0, 250))).isTrue();
            assertThat(second.contains(new UUID(0, 10))).isFalse(); // pruned: 289 positions behind the newest
            assertThat(other.contains(new UUID(0, 299))).isFalse(); // each consumer has its own ids
        }
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM processed_events")) {
            r.next();
            assertThat(r.getLong(1)).isBetween(100L, 130L);
        }
    }

    @Test
    void effectsHappenOnceAcrossACrashThatMakesTheRunnerReplayEvents() throws Exception {
        DataSource database = postgres.freshDatabase();
        try (EmbeddedEventStore store = Accounts.open(temp.resolve("store"))) {
            Accounts.appendRandom(store, new Random(1), 1_000, 10);
            EventStoreCheckpointStore real = EventStoreCheckpointStore.builder(store).everyEvents(300).interval(Duration.ofHours(1)).build();
            Map<UUID, Integer> mails = new ConcurrentHashMap<>();
            AtomicInteger handlerCalls = new AtomicInteger();
            Position head = Accounts.head(store);
            try (JdbcProcessedEvents processed = JdbcProcessedEvents.create(database, "mailer", 10_000)) {
                Projection<ProjectionContext> mailer = Projection.builder("mailer")
                        .on(Accounts.WITHDRAWN, IdempotentHandler.of(processed, (event, context) -> {
                            handlerCalls.incrementAndGet();
                            mails.merge(event.id(), 1, Integer::sum); // the external effect, inline
                        }))
                        .build();
                try (ProjectionRunner crashing = ProjectionRunner.builder(store, mailer, new CrashAtStopCheckpointStore(real))
                        .batchSize(20).start()) {
                    assertThat(crashing.awaitCheckpoint(head, TIMEOUT)).isTrue();
                }
                assertThat(real.checkpoint("mailer", 1)).hasValueSatisfying(written -> assertThat(written).isLessThan(head));
                long replayed;
                try (ProjectionRunner restarted = ProjectionRunner.start(store, mailer, real)) {
                    assertThat(restarted.awaitCheckpoint(head, TIMEOUT)).isTrue();
                    replayed = restarted.eventsHandled();
                }
                assertThat(replayed).as("the restart replayed withdrawals").isPositive();
            }
            List<RecordedEvent> withdrawals = Accounts.readAll(store, EventFilter.types(Accounts.WITHDRAWN));
            assertThat(mails).hasSize(withdrawals.size());
            assertThat(mails.values()).containsOnly(1);
            assertThat(handlerCalls).hasValue(withdrawals.size());
        }
    }
}
