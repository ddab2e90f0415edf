package io.strata.examples.bank;

import io.strata.core.EventStore;
import io.strata.core.StrataException;
import io.strata.eventsourcing.projection.ProjectionFailedException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The command line: {@code BankApp [--store …] [--jdbc …] COMMAND}; see {@link BankOptions#USAGE}.
 * Each run opens the store, starts the read model's projection (which first catches up with whatever
 * happened since its checkpoint), runs one command and stops. Exit status: 0 done, 1 the bank refused
 * the command, 2 a wrong command line, 3 the store or the database failed.
 */
public final class BankApp {
    static final int OK = 0;
    static final int REJECTED = 1;
    static final int USAGE = 2;
    static final int FAILED = 3;

    private BankApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line, printing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            BankOptions options = BankOptions.parse(args);
            return switch (options.commandName()) {
                case "help", "-h", "--help" -> {
                    out.print(BankOptions.USAGE);
                    yield OK;
                }
                case "postgres" -> runPostgres(options.arguments(), out);
                default -> runCommand(options, out);
            };
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.print(BankOptions.USAGE);
            return USAGE;
        } catch (AccountRejection e) {
            err.println("rejected: " + e.getMessage());
            return REJECTED;
        } catch (StrataException | ReadModelException | ProjectionFailedException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    private static int runCommand(BankOptions options, PrintStream out) {
        CliCommand command = CliCommand.parse(options.commandName(), options.arguments());
        try (EventStore store = checked(options.store().open());
             ReadModelDatabase database = options.jdbcUrl().map(ReadModelDatabase::at).orElseGet(ReadModelDatabase::startTemporary);
             Bank bank = Bank.start(store, database.dataSource(), options.snapshotEvery())) {
            long caughtUp = bank.eventsProjectedAtStart();
            out.printf("[store %s; read model in %s; the projection caught up with %d event%s]%n",
                    options.store(), database.description(), caughtUp, caughtUp == 1 ? "" : "s");
            new BankCommands(bank, store, out).execute(command);
            return OK;
        }
    }

    /** {@code store}, once it has answered: a server that is not there is reported before a PostgreSQL is started for nothing. */
    private static EventStore checked(EventStore store) {
        try {
            store.info();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** {@code postgres [--port P] [--dir DIR]}: a demo PostgreSQL in the foreground until the process is stopped. */
    private static int runPostgres(List<String> arguments, PrintStream out) {
        int port = 5433;
        Path directory = Path.of("bank-postgres");
        String[] args = arguments.toArray(String[]::new);
        for (int i = 0; i < args.length; i += 2) {
            String value = BankOptions.valueOf(args, i);
            switch (args[i]) {
                case "--port" -> port = BankOptions.positiveInt("--port", value);
                case "--dir" -> directory = Path.of(value);
                default -> throw new UsageException("usage: postgres [--port P] [--dir DIR]");
            }
        }
        ReadModelDatabase database = ReadModelDatabase.startKept(directory.toAbsolutePath(), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            database.close();
            stopped.countDown();
        }));
        out.println("demo PostgreSQL (fsync off) in " + directory + ", stop with Ctrl-C; use it with");
        out.println("  --jdbc '" + database.description() + "'");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }
}
