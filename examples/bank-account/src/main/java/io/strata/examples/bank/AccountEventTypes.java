package io.strata.examples.bank;

import io.strata.eventsourcing.serialization.EventSerializer;
import io.strata.eventsourcing.serialization.EventTypeRegistry;
import io.strata.eventsourcing.serialization.JsonEventSerializer;
import io.strata.eventsourcing.serialization.Upcaster;
import io.strata.examples.bank.AccountEvent.AccountClosed;
import io.strata.examples.bank.AccountEvent.AccountOpened;
import io.strata.examples.bank.AccountEvent.Deposited;
import io.strata.examples.bank.AccountEvent.Withdrawn;
import tools.jackson.databind.JsonNode;

/**
 * How account events are stored: their type names and schema versions, and the upcaster that reads
 * the first release's deposits.
 *
 * <pre>
 *   stored                                    read as
 *   Deposited v1 {"amount":25}          ──▶   Deposited v2 {"amountCents":2500,"currency":"EUR"}
 *   Deposited v2 {"amountCents":…,…}    ──▶   Deposited v2 (as is)
 * </pre>
 */
public final class AccountEventTypes {
    public static final String ACCOUNT_OPENED = "AccountOpened";
    public static final String DEPOSITED = "Deposited";
    public static final String WITHDRAWN = "Withdrawn";
    public static final String ACCOUNT_CLOSED = "AccountClosed";
    /** The schema version {@link Deposited} is written with today. */
    public static final int DEPOSITED_VERSION = 2;

    /**
     * Deposited v1 → v2. The first release stored whole euros in an int ({@code "amount"}) because it
     * only took banknotes; v2 stores cents and names the currency, which v1 left implied (euros: the
     * only currency then).
     */
    public static final Upcaster DEPOSITED_V1_TO_V2 = Upcaster.of(DEPOSITED, 1, json -> {
        JsonNode euros = json.remove("amount");
        if (euros == null || !euros.canConvertToLong()) {
            throw new IllegalArgumentException("a Deposited v1 has a whole-euro \"amount\", got " + json);
        }
        json.put("amountCents", Math.multiplyExact(euros.longValue(), 100L));
        json.put("currency", Money.EUR);
        return json;
    });

    private AccountEventTypes() {
    }

    public static EventTypeRegistry registry() {
        return EventTypeRegistry.builder()
                .register(ACCOUNT_OPENED, AccountOpened.class)
                .register(DEPOSITED, Deposited.class, DEPOSITED_VERSION)
                .register(WITHDRAWN, Withdrawn.class)
                .register(ACCOUNT_CLOSED, AccountClosed.class)
                .build();
    }

    /** JSON with the upcasters; thread-safe, so one per process is enough. */
    public static EventSerializer serializer() {
        return JsonEventSerializer.builder(registry()).upcasters(DEPOSITED_V1_TO_V2).build();
    }
}
