package io.strata.examples.bank;

import io.strata.core.EventStore;
import io.strata.eventsourcing.CommandResult;
import io.strata.eventsourcing.LoadPoint;
import io.strata.eventsourcing.RevisionNotFoundException;

import java.io.PrintStream;

/**
 * Runs a {@link CliCommand} against a started {@link Bank}. A write prints what it appended, then the
 * account's row in the read model (which {@link Bank#handle} waited for).
 */
final class BankCommands {
    private final Bank bank;
    private final EventStore store;
    private final PrintStream out;

    BankCommands(Bank bank, EventStore store, PrintStream out) {
        this.bank = bank;
        this.store = store;
        this.out = out;
    }

    /** @throws AccountRejection the bank refused the command */
    void execute(CliCommand command) {
        switch (command) {
            case CliCommand.Handle handle -> handle(handle.accountId(), handle.command());
            case CliCommand.Balance balance -> balance(balance);
            case CliCommand.History history -> history(history);
            case CliCommand.Demo demo -> new DemoScenario(bank, store, out).run();
        }
    }

    private void handle(String account, AccountCommand command) {
        CommandResult<Account, AccountEvent> result = bank.handle(account, command);
        if (result.changedNothing()) {
            out.println(account + ": nothing to do (" + Report.describe(result.state()) + ")");
            return;
        }
        for (AccountEvent event : result.events()) {
            out.println(account + ": " + Report.describe(event));
        }
        result.append().ifPresent(append -> out.printf("  appended to %s at revision %d, log position %s%n",
                append.stream(), append.lastRevision(), append.lastPosition().token()));
        bank.balanceOf(account).ifPresent(row -> out.println("  read model: " + Report.describe(row)));
    }

    private void balance(CliCommand.Balance balance) {
        if (balance.accountId().isPresent()) {
            String account = balance.accountId().get();
            out.println(bank.balanceOf(account).map(Report::describe).orElse(account + ": no such account in the read model"));
            return;
        }
        out.println("account_balances:");
        Report.printBalances(out, bank.allBalances());
        out.println("daily_totals:");
        Report.printDailyTotals(out, bank.dailyTotals());
    }

    private void history(CliCommand.History history) {
        String account = history.accountId();
        if (history.point().isEmpty()) {
            Report.printHistory(out, bank.accounts().streamOf(account), bank.history(account));
            return;
        }
        LoadPoint point = history.point().get();
        String when = switch (point) {
            case LoadPoint.AtRevision at -> "at revision " + at.revision();
            case LoadPoint.AsOf asOf -> "as of " + asOf.time();
            case LoadPoint.Latest latest -> "now";
        };
        try {
            out.println(Report.describe(account, bank.load(account, point), when));
        } catch (RevisionNotFoundException e) {
            out.println(account + " has not reached revision " + ((LoadPoint.AtRevision) point).revision());
        }
    }
}
