package io.strata.examples.bank;

import io.strata.eventsourcing.LoadedAggregate;
import io.strata.eventsourcing.serialization.EventTypeRegistry;
import io.strata.examples.bank.AccountEvent.AccountClosed;
import io.strata.examples.bank.AccountEvent.AccountOpened;
import io.strata.examples.bank.AccountEvent.Deposited;
import io.strata.examples.bank.AccountEvent.Withdrawn;

import java.io.PrintStream;
import java.util.List;

/** Plain-text tables for the command line. */
final class Report {
    private static final EventTypeRegistry TYPES = AccountEventTypes.registry();

    private Report() {
    }

    static String describe(AccountEvent event) {
        return switch (event) {
            case AccountOpened opened -> "opened for " + opened.owner() + " in " + opened.currency();
            case Deposited deposited -> "deposited " + deposited.money();
            case Withdrawn withdrawn -> "withdrew " + withdrawn.money();
            case AccountClosed closed -> "closed";
        };
    }

    /** {@code OPEN, owner Ada, balance 70.00 EUR}. */
    static String describe(Account account) {
        return switch (account.status()) {
            case UNOPENED -> "no such account";
            case OPEN, CLOSED -> account.status() + ", owner " + account.owner() + ", balance " + account.balance();
        };
    }

    /** The account at a point of its history; {@code when} e.g. "at revision 2". */
    static String describe(String accountId, LoadedAggregate<Account> loaded, String when) {
        if (!loaded.exists()) {
            return accountId + " " + when + ": it did not exist yet";
        }
        long events = loaded.revision().getAsLong() + 1;
        return accountId + " " + when + " (" + events + (events == 1 ? " event" : " events") + "): " + describe(loaded.state());
    }

    static String describe(AccountBalance row) {
        return row.accountId() + ": " + row.status() + ", owner " + row.owner() + ", balance " + row.balance()
                + ", version " + row.version();
    }

    static void printHistory(PrintStream out, String stream, List<HistoryEntry> history) {
        out.printf("%s, %d events%n", stream, history.size());
        out.printf("  %3s  %-27s  %-36s %14s%n", "rev", "recorded (UTC)", "event", "balance after");
        for (HistoryEntry entry : history) {
            String event = describe(entry.event())
                    + (entry.storedSchemaVersion() == schemaVersionToday(entry.event()) ? "" : " (stored as v" + entry.storedSchemaVersion() + ")");
            out.printf("  %3d  %-27s  %-36s %14s%n", entry.revision(), entry.recordedTime(), event, entry.after().balance());
        }
    }

    static void printBalances(PrintStream out, List<AccountBalance> balances) {
        out.printf("  %-12s %-10s %-8s %14s %8s%n", "account", "owner", "status", "balance", "version");
        for (AccountBalance row : balances) {
            out.printf("  %-12s %-10s %-8s %14s %8d%n", row.accountId(), row.owner(), row.status(), row.balance(), row.version());
        }
    }

    static void printDailyTotals(PrintStream out, List<DailyTotal> totals) {
        out.printf("  %-10s %14s %14s%n", "day (UTC)", "deposits", "withdrawals");
        for (DailyTotal total : totals) {
            out.printf("  %-10s %14s %14s%n", total.day(), total.deposits(), total.withdrawals());
        }
    }

    private static int schemaVersionToday(AccountEvent event) {
        return TYPES.typeOf(event).schemaVersion();
    }
}
