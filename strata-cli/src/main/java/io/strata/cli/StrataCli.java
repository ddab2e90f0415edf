package io.strata.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code strata} command line (spec/cli.md): the root command, which only dispatches.
 *
 * <pre>
 *   args ──► picocli parse ──► one *Command ──► Stores ──► EventStore (local folder, or HttpEventStore with --url)
 *                 │                         │
 *                 └── bad usage: exit 2     └── StrataException: "code: message", exit 1
 * </pre>
 */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataCli.Version.class,
        description = "An event store and event broker: append, read and follow streams of events.",
        subcommands = {AppendCommand.class, ReadCommand.class, TailCommand.class, InfoCommand.class,
                VerifyCommand.class, BenchCommand.class, ServeCommand.class, GroupsCommand.class},
        footer = {"", "Exit codes: 0 success, 1 the operation failed (code: message on stderr), 2 bad usage."})
public final class StrataCli implements Runnable {
    @Spec
    private CommandSpec spec;

    private final Stores stores;
    private final InputStream stdin;

    public StrataCli() {
        this(StoreProvider.EMBEDDED, System.in);
    }

    StrataCli(StoreProvider provider, InputStream stdin) {
        this.stores = new Stores(provider);
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        // UTF-8 whatever the locale: JSON output must be UTF-8, and names may be any Unicode.
        // Buffered, because a read may print millions of lines; commands flush when they finish.
        PrintWriter out = new PrintWriter(new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        int exitCode = commandLine(new StrataCli(), out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(exitCode);
    }

    /** A ready-to-run command line writing to {@code out} and {@code err}. */
    static CommandLine commandLine(StrataCli cli, PrintWriter out, PrintWriter err) {
        FailureHandler failures = new FailureHandler();
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(failures);
        commandLine.setParameterExceptionHandler(failures);
        return commandLine;
    }

    Stores stores() {
        return stores;
    }

    InputStream stdin() {
        return stdin;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command: append, read, tail, info, verify, bench, serve or groups");
    }

    /** The version from the jar's manifest; "development" when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = StrataCli.class.getPackage().getImplementationVersion();
            return new String[] {"strata " + (version == null ? "(development build)" : version)};
        }
    }
}
