package io.strata.examples.bank;

import io.strata.eventsourcing.projection.EventEnvelope;
import io.strata.eventsourcing.projection.JdbcProjection;
import io.strata.eventsourcing.projection.JdbcProjectionContext;
import io.strata.eventsourcing.projection.Projection;
import io.strata.eventsourcing.projection.ProjectionContext;
import io.strata.eventsourcing.serialization.EventSerializer;
import io.strata.examples.bank.AccountEvent.AccountClosed;
import io.strata.examples.bank.AccountEvent.AccountOpened;
import io.strata.examples.bank.AccountEvent.Deposited;
import io.strata.examples.bank.AccountEvent.Withdrawn;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.Function;

/**
 * The read model of balances: every event of the {@code account} category, decoded by the
 * serializer (so first-release deposits arrive upcast), becomes a call on a {@link BalanceBook}.
 *
 * <pre>
 *   $all ─(category account)─▶ ProjectionRunner ─▶ handlers below ─▶ BalanceBook
 *                                                                    ├─ JdbcBalanceBook: account_balances_v1, daily_totals_v1
 *                                                                    └─ (tests) in memory
 * </pre>
 *
 * <p>With {@link io.strata.eventsourcing.projection.JdbcCheckpointStore} the book's writes and the
 * checkpoint commit in one transaction: each event takes effect exactly once.
 */
public final class BalancesProjection {
    public static final String NAME = "account-balances";
    /** Raise it when the handlers change what they write: the new version is rebuilt into its own tables. */
    public static final int VERSION = 1;

    private BalancesProjection() {
    }

    /** The projection into PostgreSQL, as the application runs it. */
    public static Projection<JdbcProjectionContext> intoPostgres(EventSerializer serializer) {
        return intoPostgresBuilder(serializer).build();
    }

    /** {@link #intoPostgres} before {@code build()}, for callers that add to it (tests add a failing handler). */
    public static Projection.Builder<JdbcProjectionContext> intoPostgresBuilder(EventSerializer serializer) {
        Projection.Builder<JdbcProjectionContext> builder = JdbcProjection.builder(NAME).version(VERSION)
                .onStart(JdbcBalanceBook::createTables)
                .onActivate(JdbcBalanceBook::pointViewsAtThisVersion);
        return handlers(builder, JdbcBalanceBook::new, serializer);
    }

    /**
     * Adds the handlers to {@code builder}; {@code bookOf} gives the book to write to in the handler's
     * context (for JDBC: one bound to the context's transaction).
     */
    public static <C extends ProjectionContext> Projection.Builder<C> handlers(Projection.Builder<C> builder,
                                                                               Function<? super C, ? extends BalanceBook> bookOf,
                                                                               EventSerializer serializer) {
        return builder.category(AccountService.CATEGORY)
                .serializer(serializer)
                .on(AccountOpened.class, (event, envelope) -> bookOf.apply(envelope.context())
                        .opened(accountIdOf(envelope), event.owner(), event.currency(), envelope.revision()))
                .on(Deposited.class, (event, envelope) -> bookOf.apply(envelope.context())
                        .deposited(accountIdOf(envelope), event.money(), envelope.revision(), dayOf(envelope)))
                .on(Withdrawn.class, (event, envelope) -> bookOf.apply(envelope.context())
                        .withdrawn(accountIdOf(envelope), event.money(), envelope.revision(), dayOf(envelope)))
                .on(AccountClosed.class, (event, envelope) -> bookOf.apply(envelope.context())
                        .closed(accountIdOf(envelope), envelope.revision()));
    }

    /** {@code account-A1} → {@code A1}. */
    private static String accountIdOf(EventEnvelope<?> envelope) {
        return envelope.stream().substring(AccountService.CATEGORY.length() + 1);
    }

    private static LocalDate dayOf(EventEnvelope<?> envelope) {
        return LocalDate.ofInstant(envelope.recorded().recordedTime(), ZoneOffset.UTC);
    }
}
