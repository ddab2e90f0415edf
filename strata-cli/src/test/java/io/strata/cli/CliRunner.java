package io.strata.cli;

import static org.awaitility.Awaitility.await;

import io.strata.core.EventStore;
import io.strata.core.ForwardingEventStore;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Runs {@code strata} commands in this JVM, as the launcher would, capturing what they print. */
final class CliRunner {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final StoreProvider provider;
    private final String stdin;

    private CliRunner(StoreProvider provider, String stdin) {
        this.provider = provider;
        this.stdin = stdin;
    }

    /** Commands open the real embedded engine on the folder they are given, as in production. */
    static CliRunner embedded() {
        return new CliRunner(StoreProvider.EMBEDDED, "");
    }

    /**
     * Every command works on {@code store}, already open, and leaves it open: two commands can then
     * run side by side on one folder, which the embedded engine allows only in one place at a time.
     */
    static CliRunner sharing(EventStore store) {
        return new CliRunner(config -> new Unclosable(store), "");
    }

    CliRunner withStdin(String text) {
        return new CliRunner(provider, text);
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = commandLine(out, err).execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Starts a long-running command (tail) on its own thread. */
    Running start(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread thread = new Thread(() -> exitCode.set(commandLine(out, err).execute(args)), "strata " + Arrays.toString(args));
        thread.start();
        return new Running(thread, out, err, exitCode);
    }

    private picocli.CommandLine commandLine(StringWriter out, StringWriter err) {
        StrataCli cli = new StrataCli(provider, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        return StrataCli.commandLine(cli, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** A command running on another thread; {@link #stop()} interrupts it as Ctrl-C would end it. */
    record Running(Thread thread, StringWriter out, StringWriter err, AtomicInteger exitCode) {
        void awaitOut(Predicate<String> condition) {
            await().atMost(PATIENCE).until(() -> condition.test(out.toString()));
        }

        void awaitErr(Predicate<String> condition) {
            await().atMost(PATIENCE).until(() -> condition.test(err.toString()));
        }

        Result stop() throws InterruptedException {
            thread.interrupt();
            thread.join(PATIENCE.toMillis());
            if (thread.isAlive()) {
                throw new AssertionError("the command did not stop when interrupted");
            }
            return new Result(exitCode.get(), out.toString(), err.toString());
        }
    }

    /** An open store that commands may "close" without closing it: the test owns it. */
    private static final class Unclosable extends ForwardingEventStore {
        Unclosable(EventStore store) {
            super(store);
        }

        @Override
        public void close() {
            // the test closes the real store
        }
    }
}
