package io.strata.examples.bank;

import io.strata.eventsourcing.LoadPoint;
import io.strata.examples.bank.AccountCommand.CloseAccount;
import io.strata.examples.bank.AccountCommand.Deposit;
import io.strata.examples.bank.AccountCommand.OpenAccount;
import io.strata.examples.bank.AccountCommand.Withdraw;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * A command of the command line, parsed and checked before the store or the database is touched, so
 * a typo costs nothing.
 */
sealed interface CliCommand {

    /** {@code open}, {@code deposit}, {@code withdraw}, {@code close}: a command for the account. */
    record Handle(String accountId, AccountCommand command) implements CliCommand {
    }

    /** {@code balance [ACCOUNT]}: from the read model. */
    record Balance(Optional<String> accountId) implements CliCommand {
    }

    /** {@code history ACCOUNT [--at-revision N | --as-of TIME]}: every event, or the account at a point. */
    record History(String accountId, Optional<LoadPoint> point) implements CliCommand {
    }

    record Demo() implements CliCommand {
    }

    /** @throws UsageException an unknown command or wrong arguments */
    static CliCommand parse(String name, List<String> arguments) {
        return switch (name) {
            case "open" -> {
                expect(arguments, 1, 2, "open ACCOUNT [OWNER]");
                yield new Handle(arguments.get(0), new OpenAccount(arguments.size() > 1 ? arguments.get(1) : arguments.get(0)));
            }
            case "deposit" -> {
                expect(arguments, 2, 2, "deposit ACCOUNT AMOUNT");
                yield new Handle(arguments.get(0), new Deposit(amount(arguments.get(1))));
            }
            case "withdraw" -> {
                expect(arguments, 2, 2, "withdraw ACCOUNT AMOUNT");
                yield new Handle(arguments.get(0), new Withdraw(amount(arguments.get(1))));
            }
            case "close" -> {
                expect(arguments, 1, 1, "close ACCOUNT");
                yield new Handle(arguments.get(0), new CloseAccount());
            }
            case "balance" -> {
                expect(arguments, 0, 1, "balance [ACCOUNT]");
                yield new Balance(arguments.stream().findFirst());
            }
            case "history" -> history(arguments);
            case "demo" -> {
                expect(arguments, 0, 0, "demo");
                yield new Demo();
            }
            default -> throw new UsageException("unknown command '" + name + "'");
        };
    }

    private static History history(List<String> arguments) {
        String usage = "history ACCOUNT [--at-revision N | --as-of TIME]";
        if (arguments.size() == 1) {
            return new History(arguments.getFirst(), Optional.empty());
        }
        expect(arguments, 3, 3, usage);
        LoadPoint point = switch (arguments.get(1)) {
            case "--at-revision" -> LoadPoint.atRevision(revision(arguments.get(2)));
            case "--as-of" -> LoadPoint.asOf(instant(arguments.get(2)));
            default -> throw new UsageException("usage: " + usage);
        };
        return new History(arguments.getFirst(), Optional.of(point));
    }

    private static Money amount(String text) {
        try {
            return Money.euros(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static long revision(String text) {
        try {
            long revision = Long.parseLong(text);
            if (revision >= 0) {
                return revision;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--at-revision is 0 or more (0 is the account's first event), got '" + text + "'");
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageException("--as-of is a UTC time like 2026-11-30T10:15:30Z, got '" + text + "'");
        }
    }

    private static void expect(List<String> arguments, int min, int max, String usage) {
        if (arguments.size() < min || arguments.size() > max) {
            throw new UsageException("usage: " + usage);
        }
    }
}
