package io.strata.eventsourcing.test.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.EventData;
import io.strata.eventsourcing.projection.Projection;
import io.strata.eventsourcing.projection.ProjectionContext;
import io.strata.eventsourcing.serialization.EventMetadata;
import io.strata.eventsourcing.serialization.EventTypeRegistry;
import io.strata.eventsourcing.serialization.JsonEventSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProjectionFixtureTest {
    record Deposited(long amount) {
    }

    record Withdrawn(long amount) {
    }

    record Balances(Map<String, Long> byAccount, long total) {
    }

    private static final JsonEventSerializer SERIALIZER = JsonEventSerializer.of(EventTypeRegistry.builder()
            .register("Deposited", Deposited.class).register("Withdrawn", Withdrawn.class).build());

    /** A mutable model, as projections usually have, with the projection that updates it. */
    static final class BalancesModel {
        final Map<String, Long> byAccount = new TreeMap<>();
        final List<String> mails = new ArrayList<>();
        final List<String> correlations = new ArrayList<>();

        Balances state() {
            return new Balances(byAccount, byAccount.values().stream().mapToLong(Long::longValue).sum());
        }

        Projection<ProjectionContext> projection() {
            return Projection.builder("balances").category("account").serializer(SERIALIZER)
                    .on(Deposited.class, (event, envelope) -> {
                        byAccount.merge(envelope.stream(), event.amount(), Long::sum);
                        envelope.metadata().correlationId().ifPresent(correlations::add);
                    })
                    .on(Withdrawn.class, (event, envelope) -> {
                        byAccount.merge(envelope.stream(), -event.amount(), Long::sum);
                        envelope.sideEffect(() -> mails.add("withdrawal from " + envelope.stream()));
                    })
                    .build();
        }
    }

    private final ProjectionFixture<BalancesModel> fixture = ProjectionFixture.of(BalancesModel::new, BalancesModel::projection);

    @Test
    void givenEventsTheModelIsTheirFold() {
        fixture.given("account-1", new Deposited(5), new Withdrawn(2))
                .and("account-2", new Deposited(7))
                .and("audit-1", new Deposited(1000)) // outside the projection's category
                .expectState(BalancesModel::state, new Balances(Map.of("account-1", 3L, "account-2", 7L), 10));
    }

    @Test
    void aMismatchShowsALineDiffOfExpectedAndActualState() {
        assertThatThrownBy(() -> fixture.given("account-1", new Deposited(5), new Withdrawn(2))
                .and("account-2", new Deposited(7))
                .expectState(BalancesModel::state, new Balances(Map.of("account-1", 4L, "account-2", 7L, "account-3", 1L), 12)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("""
                        the projection's state differs (- expected, + actual):
                            byAccount:
                          -   "account-1" = 4
                          +   "account-1" = 3
                              "account-2" = 7
                          -   "account-3" = 1
                          - total = 12
                          + total = 10
                        """);
    }

    @Test
    void thenRunsAnyAssertionOnTheModel() {
        BalancesModel model = fixture.given("account-1", new Deposited(5), EventMetadata.of("order-9", "cmd-1"))
                .then(m -> assertThat(m.byAccount).containsEntry("account-1", 5L));
        assertThat(model.correlations).containsExactly("order-9");
    }

    @Test
    void sideEffectsFireAfterEachEventButNotInReplayMode() {
        BalancesModel live = fixture.given("account-1", new Deposited(5), new Withdrawn(1), new Withdrawn(1)).expectSideEffects(2);
        assertThat(live.mails).containsExactly("withdrawal from account-1", "withdrawal from account-1");

        BalancesModel replayed = fixture.given("account-1", new Deposited(5), new Withdrawn(1)).asReplay().expectSideEffects(0);
        assertThat(replayed.mails).isEmpty();
        assertThat(replayed.byAccount).containsEntry("account-1", 4L);

        assertThatThrownBy(() -> fixture.given("account-1", new Withdrawn(1)).expectSideEffects(0))
                .hasMessage("expected 0 side effects to fire, 1 did");
    }

    @Test
    void rawEventDataIsAppliedAsIsAndEventsGetReproduciblePositions() {
        List<String> seen = new ArrayList<>();
        ProjectionFixture<List<String>> raw = ProjectionFixture.of(() -> seen, model -> Projection.builder("raw")
                .onAnyType((event, context) -> model.add(event.stream() + "@" + event.revision() + "#" + event.position() + " "
                        + new String(event.data(), StandardCharsets.UTF_8)))
                .build());
        ProjectionScenario<List<String>> scenario = raw.given("a-1", EventData.json("X", "{}".getBytes(StandardCharsets.UTF_8)))
                .and("b-1", EventData.json("Y", "[1]".getBytes(StandardCharsets.UTF_8)))
                .and("a-1", EventData.json("Z", "2".getBytes(StandardCharsets.UTF_8)));
        scenario.expectState(List.of("a-1@0#0 {}", "b-1@0#1 [1]", "a-1@1#2 2"));
        assertThat(scenario.events().get(2).id()).hasToString("00000000-0000-0000-0000-000000000003");
    }

    @Test
    void aListMismatchIsShownByIndex() {
        ProjectionFixture<List<String>> raw = ProjectionFixture.of(ArrayList::new, model -> Projection.builder("raw")
                .onAnyType((event, context) -> model.add(event.type())).build());
        assertThatThrownBy(() -> raw.given("a-1", EventData.json("X", new byte[0]), EventData.json("Y", new byte[0]))
                .expectState(List.of("X", "Z")))
                .hasMessage("""
                        the projection's state differs (- expected, + actual):
                            [0] = "X"
                          - [1] = "Z"
                          + [1] = "Y"
                        """);
    }

    @Test
    void aHandlerFailureNamesTheEvent() {
        ProjectionFixture<List<String>> failing = ProjectionFixture.of(ArrayList::new, model -> Projection.builder("failing")
                .on("Boom", (event, context) -> {
                    throw new IllegalStateException("no");
                }).build());
        assertThatThrownBy(() -> failing.given("a-1", EventData.json("Boom", new byte[0])).then(m -> { }))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("projection failing@v1 threw on Boom a-1@0 (position 0): java.lang.IllegalStateException: no");
    }

    @Test
    void typedEventsNeedAProjectionWithASerializer() {
        ProjectionFixture<List<String>> raw = ProjectionFixture.of(ArrayList::new, model -> Projection.builder("raw")
                .onAnyType((event, context) -> { }).build());
        assertThatThrownBy(() -> raw.given("a-1", new Deposited(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no serializer");
    }
}
