package io.strata.cli;

import io.strata.core.EventStore;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata tail STREAM | '$all'}: history from {@code --from}, then live events, until
 * interrupted. SIGINT and SIGTERM end it through a shutdown hook that closes the subscription and
 * the store before the JVM exits, so the store is closed cleanly.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Follow a stream, or '$all': history from --from (default: live only), then live events, until interrupted.",
                "Says so when it has caught up with history (on stderr; with --json as {\"caughtUp\":true} on stdout)."})
final class TailCommand implements Callable<Integer> {
    /** How long the shutdown hook waits for the store to close: long enough for the writer to finish a batch. */
    private static final long CLOSE_WAIT_SECONDS = 10;

    @ParentCommand
    private StrataCli cli;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GlobalOptions global;

    @Mixin
    private FilterOptions filters;

    @Parameters(index = "0", paramLabel = "STREAM|$all", description = "A stream name, or '$all' for the global log (quote the $).")
    private String name;

    @Option(names = "--from", paramLabel = "X",
            description = "Start with history from a revision (stream) or position ($all), or start; default: end (live only).")
    private String from;

    @Override
    public Integer call() {
        Source source = new Source(name);
        source.checkFilters(filters, spec);
        long start = from == null ? ReadStreamOptions.END : source.from(from, spec);
        Output output = Output.of(spec, global);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread shutdownHook = new Thread(() -> {
            stop.countDown();
            awaitQuietly(closed);
        }, "strata-tail-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try (EventStore store = cli.stores().openExisting(global)) {
            Subscription subscription = subscribe(store, source, start, new Printer(output, stop, failure, global.url().isPresent()));
            try {
                stop.await();
            } finally {
                subscription.close();
            }
        } catch (InterruptedException e) {
            // Interrupted is how an embedding caller (or a test) says "stop": a normal end.
            Thread.currentThread().interrupt();
        } finally {
            output.flush();
            closed.countDown();
            removeHook(shutdownHook);
        }
        Throwable error = failure.get();
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error != null) {
            throw new IllegalStateException("the subscription ended: " + error, error);
        }
        return 0;
    }

    private Subscription subscribe(EventStore store, Source source, long start, SubscriptionListener listener) {
        return source.isAll()
                ? store.subscribeToAll(start, filters.filter(), listener)
                : store.subscribeToStream(name, start, listener);
    }

    private static void awaitQuietly(CountDownLatch closed) {
        try {
            closed.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is what ended us; it is running now and must not be removed.
        }
    }

    /** Prints each event as it comes, flushed at once: someone is watching. */
    private record Printer(Output output, CountDownLatch stop, AtomicReference<Throwable> failure, boolean remote)
            implements SubscriptionListener {
        @Override
        public void onEvent(RecordedEvent event) {
            output.event(event);
            output.flush();
        }

        @Override
        public void onCaughtUp() {
            if (output.json()) {
                output.jsonLine("{\"caughtUp\":true}");
                output.flush();
            } else if (remote) {
                output.note("(caught up; waiting for new events, Ctrl-C to stop.)");
            } else {
                // Said here because it surprises: an embedded store is open in one process at a time.
                output.note("(caught up; waiting for new events, Ctrl-C to stop."
                        + " While tail runs it holds the store: other processes cannot open it.)");
            }
        }

        @Override
        public void onError(Throwable error) {
            failure.set(error);
            stop.countDown();
        }
    }
}
