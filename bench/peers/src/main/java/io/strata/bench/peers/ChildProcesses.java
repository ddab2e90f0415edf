package io.strata.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes the harness started (the Kafka broker's JVM, nats-server, the PostgreSQL postmaster),
 * stopped by their own process ids and never by name: when their peer is done, and by a shutdown hook
 * on Ctrl-C or failure. Each one's pid is also written to {@code <pidFolder>/<name>.pid}, so that
 * {@code bench/peers/run} can stop them even if this JVM is killed outright. Thread-safe.
 */
final class ChildProcesses {
    /** How long a peer gets to stop by itself (a broker flushing, PostgreSQL's fast shutdown) before SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(20);

    private final Path pidFolder;
    private final Duration grace;
    private final Map<String, Child> running = new LinkedHashMap<>(); // guarded by this

    private record Child(ProcessHandle handle, Runnable gracefulStop) {
    }

    ChildProcesses(Path pidFolder, Duration grace) {
        this.pidFolder = pidFolder;
        this.grace = grace;
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "stop-peers"));
    }

    /**
     * Records a started process. {@code gracefulStop} asks it to stop (e.g. {@code pg_ctl stop}); when
     * it has not ended after a grace period, it and its descendants get SIGKILL.
     */
    synchronized void register(String name, ProcessHandle handle, Runnable gracefulStop) {
        running.put(name, new Child(handle, gracefulStop));
        try {
            Files.createDirectories(pidFolder);
            Files.writeString(pidFolder.resolve(name + ".pid"), handle.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pid file of " + name + " in " + pidFolder, e);
        }
    }

    /** A started {@link Process}: SIGTERM is its graceful stop. */
    void register(String name, Process process) {
        register(name, process.toHandle(), process::destroy);
    }

    /** Stops {@code name} if it runs: graceful stop, then SIGKILL for what is left after the grace period. */
    void stop(String name) {
        Child child;
        synchronized (this) {
            child = running.remove(name);
        }
        if (child != null) {
            stop(child);
            try {
                Files.deleteIfExists(pidFolder.resolve(name + ".pid"));
            } catch (IOException e) {
                // the run script checks the pid against the command line before it acts on a stale file
            }
        }
    }

    /** Stops every process still registered, last started first. */
    void stopAll() {
        List<String> names;
        synchronized (this) {
            names = new ArrayList<>(running.keySet());
        }
        for (int i = names.size() - 1; i >= 0; i--) {
            stop(names.get(i));
        }
    }

    private void stop(Child child) {
        List<ProcessHandle> descendants = child.handle().descendants().toList();
        try {
            child.gracefulStop().run();
        } catch (RuntimeException e) {
            // fall through to the kill below
        }
        try {
            child.handle().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            child.handle().destroyForcibly();
        }
        for (ProcessHandle descendant : descendants) {
            if (descendant.isAlive()) {
                descendant.destroyForcibly();
            }
        }
    }
}
