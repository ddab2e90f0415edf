package io.strata.examples.bank;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The command line: options, then a command and its arguments.
 *
 * @param store         where the events live; {@code embedded:./bank-data} by default
 * @param jdbcUrl       the read model's PostgreSQL; empty: a temporary demo PostgreSQL per run
 * @param snapshotEvery save a snapshot of an account once this many events follow the last one
 * @param command       the command and its arguments, e.g. {@code [deposit, A1, 100.00]}; never empty
 */
public record BankOptions(StoreAddress store, Optional<String> jdbcUrl, int snapshotEvery, List<String> command) {
    public static final StoreAddress DEFAULT_STORE = new StoreAddress.Embedded(Path.of("bank-data"));
    public static final int DEFAULT_SNAPSHOT_EVERY = 10;

    public static final String USAGE = """
            usage: run [--store embedded:DIR | --store grpc:HOST:PORT] [--jdbc URL] [--snapshot-every N] COMMAND
              --store embedded:DIR    the embedded engine in this process, storing to DIR (default: embedded:bank-data)
              --store grpc:HOST:PORT  a running `strata serve`, over gRPC (e.g. grpc:127.0.0.1:7701)
              --jdbc URL              the read model's PostgreSQL, e.g. jdbc:postgresql://localhost:5432/postgres?user=postgres
                                      (default: a temporary demo PostgreSQL, fsync off, rebuilt from the log on every run)
              --snapshot-every N      snapshot an account every N events (default: 10)
            commands:
              open ACCOUNT [OWNER]     open an account in euros (again for the same owner: nothing happens)
              deposit ACCOUNT AMOUNT   e.g. deposit A1 100.00
              withdraw ACCOUNT AMOUNT  no overdraft
              close ACCOUNT            only with a zero balance
              balance [ACCOUNT]        from the read model; without ACCOUNT every account and the daily totals
              history ACCOUNT [--at-revision N | --as-of TIME]
                                       every event and the balance after it; or the account as it was then
                                       (TIME like 2026-11-30T10:15:30Z)
              demo                     a scripted scenario (upcasting, rejections, snapshots, time travel)
              postgres [--port P] [--dir DIR]
                                       run a demo PostgreSQL in the foreground (default port 5433, dir bank-postgres),
                                       for --jdbc jdbc:postgresql://localhost:5433/postgres?user=postgres
            """;

    public BankOptions {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new UsageException("no command given");
        }
    }

    /** @throws UsageException the arguments make no sense */
    public static BankOptions parse(String... args) {
        StoreAddress store = DEFAULT_STORE;
        Optional<String> jdbcUrl = Optional.empty();
        int snapshotEvery = DEFAULT_SNAPSHOT_EVERY;
        int i = 0;
        while (i < args.length && args[i].startsWith("--") && !args[i].equals("--help")) {
            String option = args[i];
            String value = valueOf(args, i);
            switch (option) {
                case "--store" -> {
                    try {
                        store = StoreAddress.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
                case "--jdbc" -> jdbcUrl = Optional.of(value);
                case "--snapshot-every" -> snapshotEvery = positiveInt(option, value);
                default -> throw new UsageException("unknown option " + option);
            }
            i += 2;
        }
        return new BankOptions(store, jdbcUrl, snapshotEvery, List.of(args).subList(i, args.length));
    }

    /** The command's name, e.g. {@code deposit}. */
    public String commandName() {
        return command.getFirst();
    }

    /** The command's arguments after its name. */
    public List<String> arguments() {
        return command.subList(1, command.size());
    }

    static String valueOf(String[] args, int optionIndex) {
        if (optionIndex + 1 >= args.length) {
            throw new UsageException(args[optionIndex] + " needs a value");
        }
        return args[optionIndex + 1];
    }

    static int positiveInt(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " is a whole number above 0, got '" + value + "'");
    }
}
