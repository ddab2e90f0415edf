package io.strata.eventsourcing.test.projection;

import io.strata.core.EventData;
import io.strata.eventsourcing.projection.Projection;
import io.strata.eventsourcing.projection.ProjectionContext;
import io.strata.eventsourcing.serialization.EventMetadata;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Tests a projection without a store: given events, apply them through the projection's handlers
 * (its filter, its typed decoding and upcasting included), then check the read model.
 *
 * <pre>{@code
 * ProjectionFixture<Balances> fixture = ProjectionFixture.of(Balances::new, Balances::projection);
 * fixture.given("account-1", new Deposited(5), new Withdrawn(2))
 *        .and("account-2", new Deposited(7))
 *        .expectState(new Balances(Map.of("account-1", 3L, "account-2", 7L)));
 * }</pre>
 *
 * <p>A mismatch throws a plain {@link AssertionError} (no test framework needed) whose message is a
 * line diff of the expected and the actual state ({@code -} expected, {@code +} actual). Each
 * scenario gets a new model from the supplier.
 *
 * @param <M> the read model
 */
public final class ProjectionFixture<M> {
    private final Supplier<? extends M> newModel;
    private final Function<? super M, ? extends Projection<ProjectionContext>> projectionOf;

    private ProjectionFixture(Supplier<? extends M> newModel, Function<? super M, ? extends Projection<ProjectionContext>> projectionOf) {
        this.newModel = newModel;
        this.projectionOf = projectionOf;
    }

    /**
     * A fixture for projections built around a model: {@code projectionOf} gets a fresh model and
     * returns the projection whose handlers update it.
     */
    public static <M> ProjectionFixture<M> of(Supplier<? extends M> newModel,
                                              Function<? super M, ? extends Projection<ProjectionContext>> projectionOf) {
        return new ProjectionFixture<>(Objects.requireNonNull(newModel, "newModel"), Objects.requireNonNull(projectionOf, "projectionOf"));
    }

    /** A scenario with no events yet. */
    public ProjectionScenario<M> givenNothing() {
        M model = newModel.get();
        return new ProjectionScenario<>(model, projectionOf.apply(model));
    }

    /**
     * A scenario starting with {@code events} appended to {@code stream}: {@link EventData} as is, any
     * other object through the projection's serializer (with empty metadata).
     */
    public ProjectionScenario<M> given(String stream, Object... events) {
        return givenNothing().and(stream, events);
    }

    /** {@link #given(String, Object...)} for one event with metadata (correlation, causation). */
    public ProjectionScenario<M> given(String stream, Object event, EventMetadata metadata) {
        return givenNothing().and(stream, event, metadata);
    }
}
