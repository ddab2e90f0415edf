package io.strata.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.eventsourcing.serialization.EventMetadata;
import io.strata.eventsourcing.serialization.EventTypeRegistry;
import io.strata.eventsourcing.serialization.JsonEventSerializer;
import io.strata.eventsourcing.serialization.Upcaster;
import io.strata.storage.EmbeddedEventStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed handlers: events decoded by the toolkit's serializer, upcasters applied. */
class TypedProjectionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    sealed interface AccountEvent permits Deposited, Withdrawn {
    }

    record Deposited(long amountCents) implements AccountEvent {
    }

    record Withdrawn(long amountCents) implements AccountEvent {
    }

    /** Deposited is at schema version 2; version 1 was stored as "MoneyIn" with "amount" in whole units. */
    private static final JsonEventSerializer SERIALIZER = JsonEventSerializer.builder(EventTypeRegistry.builder()
                    .register("Deposited", Deposited.class, 2)
                    .register("Withdrawn", Withdrawn.class)
                    .build())
            .upcasters(Upcaster.renaming("MoneyIn", 1, "Deposited", json -> {
                json.put("amountCents", json.remove("amount").asLong() * 100);
                return json;
            }))
            .build();

    @TempDir
    Path temp;
    private EmbeddedEventStore store;

    @BeforeEach
    void open() {
        store = Accounts.open(temp.resolve("store"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void typedHandlersGetUpcastEventsWithTheirMetadataAndSkipForeignTypes() {
        store.append("account-1", ExpectedRevision.ANY, List.of(
                EventData.json("MoneyIn", "{\"amount\":3}".getBytes(StandardCharsets.UTF_8)), // an old v1 event
                SERIALIZER.serialize(new Deposited(250), EventMetadata.of("order-7", "cmd-1")),
                SERIALIZER.serialize(new Withdrawn(100), EventMetadata.empty()),
                EventData.json("AuditNote", "{}".getBytes(StandardCharsets.UTF_8)))); // not ours
        List<String> seen = new CopyOnWriteArrayList<>();
        Projection<ProjectionContext> balances = Projection.builder("typed-balances")
                .category("account")
                .serializer(SERIALIZER)
                .on(Deposited.class, (event, envelope) -> seen.add("+" + event.amountCents() + " "
                        + envelope.stream() + "@" + envelope.revision() + " " + envelope.metadata().correlationId().orElse("-")))
                .on(Withdrawn.class, (event, envelope) -> seen.add("-" + event.amountCents() + " " + envelope.decoded().type()))
                .build();
        try (ProjectionRunner runner = ProjectionRunner.start(store, balances, new InMemoryCheckpointStore())) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
            assertThat(runner.failure()).isEmpty();
        }
        assertThat(seen).containsExactly("+300 account-1@0 -", "+250 account-1@1 order-7", "-100 Withdrawn");
    }

    @Test
    void aHandlerForTheSealedInterfaceGetsEveryEventOfIt() {
        store.append("account-1", ExpectedRevision.ANY, List.of(
                SERIALIZER.serialize(new Deposited(5), EventMetadata.empty()),
                SERIALIZER.serialize(new Withdrawn(2), EventMetadata.empty())));
        List<AccountEvent> seen = new CopyOnWriteArrayList<>();
        Projection<ProjectionContext> all = Projection.builder("sealed").serializer(SERIALIZER)
                .on(AccountEvent.class, (event, envelope) -> seen.add(event))
                .build();
        try (ProjectionRunner runner = ProjectionRunner.start(store, all, new InMemoryCheckpointStore())) {
            assertThat(runner.awaitLive(TIMEOUT)).isTrue();
        }
        assertThat(seen).containsExactly(new Deposited(5), new Withdrawn(2));
    }

    @Test
    void anEventOfAKnownTypeThatCannotBeDecodedStopsTheRunnerInsteadOfBeingSkipped() {
        store.append("account-1", ExpectedRevision.ANY, List.of(EventData.json("Withdrawn", "[1,2]".getBytes(StandardCharsets.UTF_8))));
        Projection<ProjectionContext> strict = Projection.builder("strict").serializer(SERIALIZER)
                .on(Withdrawn.class, (event, envelope) -> { })
                .build();
        ProjectionRunner runner = ProjectionRunner.builder(store, strict, new InMemoryCheckpointStore()).retry(RetryPolicy.none()).start();
        assertThat(runner.awaitTermination(TIMEOUT)).isTrue();
        assertThat(runner.failure()).hasValueSatisfying(f -> assertThat(f.stage()).isEqualTo(ProjectionFailure.Stage.HANDLE));
    }

    @Test
    void typedHandlersNeedASerializerThatKnowsTheirClass() {
        assertThatThrownBy(() -> Projection.builder("x").on(Deposited.class, (e, env) -> { }).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no serializer");
        assertThatThrownBy(() -> Projection.builder("x").serializer(SERIALIZER).on(String.class, (e, env) -> { }).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("java.lang.String");
    }
}
