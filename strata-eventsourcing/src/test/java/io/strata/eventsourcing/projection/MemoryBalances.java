package io.strata.eventsourcing.projection;

import io.strata.core.RecordedEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory read model of balances that also counts how often each event was applied. */
final class MemoryBalances {
    final Map<String, Accounts.Totals> totals = new ConcurrentHashMap<>();
    final Map<UUID, Integer> applications = new ConcurrentHashMap<>();
    final List<Long> positions = new CopyOnWriteArrayList<>();

    void apply(RecordedEvent event) {
        totals.merge(event.stream(), new Accounts.Totals(1, Accounts.signedAmount(event)),
                (a, b) -> new Accounts.Totals(a.events() + b.events(), a.balance() + b.balance()));
        applications.merge(event.id(), 1, Integer::sum);
        positions.add(event.position().value());
    }

    Map<String, Accounts.Totals> snapshot() {
        return new TreeMap<>(totals);
    }

    long duplicates() {
        return applications.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
    }

    Projection<ProjectionContext> projection(String name, int version) {
        return Projection.builder(name).version(version)
                .on(Accounts.DEPOSITED, (event, context) -> apply(event))
                .on(Accounts.WITHDRAWN, (event, context) -> apply(event))
                .build();
    }
}
