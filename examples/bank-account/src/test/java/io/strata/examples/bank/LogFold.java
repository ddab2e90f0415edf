package io.strata.examples.bank;

import io.strata.core.AllSlice;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.eventsourcing.serialization.EventSerializer;
import io.strata.examples.bank.AccountEvent.Deposited;
import io.strata.examples.bank.AccountEvent.Withdrawn;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the read model must hold, computed the other way: read the log, fold each account with the
 * decider, sum the days. Independent of the projection's handlers, so it can judge them.
 */
record LogFold(List<AccountBalance> balances, List<DailyTotal> dailyTotals, int events) {

    /** The read model after every account event at or before {@code through}. */
    static LogFold of(EventStore store, EventSerializer serializer, Position through) {
        AccountDecider decider = new AccountDecider();
        Map<String, Account> accounts = new TreeMap<>();
        Map<String, Long> versions = new HashMap<>();
        Map<LocalDate, long[]> days = new TreeMap<>();
        int events = 0;
        long from = 0;
        EventFilter accountEvents = EventFilter.ALL.withCategory(AccountService.CATEGORY);
        read:
        while (true) {
            AllSlice slice = store.readAll(ReadAllOptions.forwards().from(from).limit(1_000).filter(accountEvents));
            for (RecordedEvent recorded : slice.events()) {
                if (recorded.position().compareTo(through) > 0) {
                    break read;
                }
                events++;
                String id = recorded.stream().substring(AccountService.CATEGORY.length() + 1);
                AccountEvent event = serializer.deserialize(recorded).payloadAs(AccountEvent.class);
                accounts.put(id, decider.evolve(accounts.getOrDefault(id, decider.initialState()), event));
                versions.put(id, recorded.revision());
                long[] day = days.computeIfAbsent(LocalDate.ofInstant(recorded.recordedTime(), ZoneOffset.UTC), d -> new long[2]);
                switch (event) {
                    case Deposited deposited -> day[0] += deposited.amountCents();
                    case Withdrawn withdrawn -> day[1] += withdrawn.amountCents();
                    default -> {
                    }
                }
            }
            if (slice.next().isEmpty()) {
                break;
            }
            from = slice.next().get().value();
        }
        List<AccountBalance> balances = new ArrayList<>();
        accounts.forEach((id, account) -> balances.add(
                new AccountBalance(id, account.owner(), account.balance(), account.status(), versions.get(id))));
        List<DailyTotal> totals = new ArrayList<>();
        days.forEach((day, sums) -> totals.add(new DailyTotal(day, Money.ofCents(sums[0], Money.EUR), Money.ofCents(sums[1], Money.EUR))));
        return new LogFold(balances, totals, events);
    }
}
