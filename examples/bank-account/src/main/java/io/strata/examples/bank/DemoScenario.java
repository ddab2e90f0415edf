package io.strata.examples.bank;

import io.strata.core.AppendResult;
import io.strata.core.EventStore;
import io.strata.eventsourcing.CommandResult;
import io.strata.eventsourcing.LoadPoint;
import io.strata.eventsourcing.LoadedAggregate;
import io.strata.eventsourcing.snapshot.EventStoreSnapshotStore;
import io.strata.eventsourcing.snapshot.Snapshot;
import io.strata.examples.bank.AccountCommand.CloseAccount;
import io.strata.examples.bank.AccountCommand.Deposit;
import io.strata.examples.bank.AccountCommand.OpenAccount;
import io.strata.examples.bank.AccountCommand.Withdraw;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code demo} command: a scripted afternoon at the bank that shows each part of the example, then
 * the read model. Each run uses new accounts ({@code alice-N}, {@code bob-N}) so it can be run again on
 * the same store.
 */
final class DemoScenario {
    private final Bank bank;
    private final EventStore store;
    private final PrintStream out;

    DemoScenario(Bank bank, EventStore store, PrintStream out) {
        this.bank = bank;
        this.store = store;
        this.out = out;
    }

    void run() {
        int run = firstUnusedRun();
        String alice = "alice-" + run;
        String bob = "bob-" + run;

        section("1. Commands through the decider (accounts " + alice + " and " + bob + ")");
        command(alice, new OpenAccount("Alice"));
        command(bob, new OpenAccount("Bob"));
        command(alice, new OpenAccount("Alice")); // a retried open: nothing happens
        command(alice, new OpenAccount("Mallory"));

        section("2. A deposit as the first release stored it: Deposited v1 {\"amount\":25}, whole euros");
        AppendResult legacy = appendFirstReleaseDeposit(alice, 25);
        HistoryEntry upcast = bank.history(alice).getLast();
        out.printf("  stored at %s@%d as v1; read back as %s (schema v%d on disk, upcast on read)%n",
                legacy.stream(), legacy.lastRevision(), upcast.event(), upcast.storedSchemaVersion());

        section("3. Business rules");
        command(alice, new Deposit(Money.euros("100.00")));
        Instant firstWithdrawal = command(alice, new Withdraw(Money.euros("30.00")))
                .flatMap(CommandResult::append).orElseThrow().recordedTime();
        command(bob, new Deposit(Money.euros("50.00")));
        command(bob, new Withdraw(Money.euros("80.00")));  // no overdraft
        command(bob, new CloseAccount());                   // not empty
        command(bob, new Withdraw(Money.euros("50.00")));
        command(bob, new CloseAccount());
        command(bob, new Deposit(Money.euros("10.00")));    // closed is final

        section("4. Snapshots (--snapshot-every " + bank.accounts().snapshotEvery() + ")");
        for (int i = 1; i <= 8; i++) {
            bank.handle(alice, new Deposit(Money.euros("12.50")));
        }
        out.println("  8 more deposits of 12.50 EUR to " + alice);
        String stream = bank.accounts().streamOf(alice);
        Optional<Snapshot> snapshot = new EventStoreSnapshotStore(store).latest(stream);
        out.println(snapshot.map(s -> "  latest snapshot of " + stream + ": revision " + s.aggregateRevision()
                + ", in stream " + EventStoreSnapshotStore.snapshotStreamOf(stream) + "; a load folds only the events after it")
                .orElse("  no snapshot of " + stream + " yet (fewer events than --snapshot-every)"));

        section("5. Time travel");
        out.println("  " + Report.describe(alice, bank.load(alice, LoadPoint.atRevision(1)), "at revision 1"));
        out.println("  " + Report.describe(alice, bank.load(alice, LoadPoint.asOf(firstWithdrawal)), "as of " + firstWithdrawal));
        out.println("  " + Report.describe(alice, bank.load(alice, LoadPoint.latest()), "now"));
        Report.printHistory(out, stream, bank.history(alice));

        section("6. The read model in PostgreSQL (projection " + BalancesProjection.NAME + ", exactly once)");
        out.println("account_balances:");
        Report.printBalances(out, bank.allBalances());
        out.println("daily_totals:");
        Report.printDailyTotals(out, bank.dailyTotals());
    }

    /** The first N for which alice-N was never opened. */
    private int firstUnusedRun() {
        int run = 1;
        while (bank.accounts().load("alice-" + run).exists()) {
            run++;
        }
        return run;
    }

    /** Handles and prints the command; empty when the bank refused it. */
    private Optional<CommandResult<Account, AccountEvent>> command(String account, AccountCommand command) {
        out.print("  " + account + " " + command + " -> ");
        try {
            CommandResult<Account, AccountEvent> result = bank.handle(account, command);
            out.println(result.changedNothing() ? "nothing to do"
                    : String.join(", ", result.events().stream().map(Report::describe).toList())
                    + "; balance " + result.state().balance());
            return Optional.of(result);
        } catch (AccountRejection rejection) {
            out.println("rejected: " + rejection.getMessage());
            return Optional.empty();
        }
    }

    /** Written around the service, straight to the store, as release 1 did; then projected like any other event. */
    private AppendResult appendFirstReleaseDeposit(String account, int euros) {
        LoadedAggregate<Account> current = bank.accounts().load(account);
        AppendResult result = store.append(bank.accounts().streamOf(account), current.expectedRevision(),
                List.of(FirstReleaseEvents.deposited(euros)));
        bank.awaitProjected(result);
        return result;
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }
}
