package io.strata.bench;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a workload gets: its sizes, the durability asked for, a fresh folder of its own (deleted
 * after the run), the target its stores come from and the progress channel.
 */
final class RunContext {
    private final String workload;
    private final WorkloadSizes sizes;
    private final Durability durability;
    private final Path folder;
    private final Target target;
    private final Consumer<String> progress;

    RunContext(String workload, WorkloadSizes sizes, Durability durability, Path folder, Target target,
               Consumer<String> progress) {
        this.workload = workload;
        this.sizes = sizes;
        this.durability = durability;
        this.folder = folder;
        this.target = target;
        this.progress = progress;
    }

    String workload() {
        return workload;
    }

    WorkloadSizes sizes() {
        return sizes;
    }

    /** The durability the run is about (the measured phases use it). */
    Durability durability() {
        return durability;
    }

    /** This run's own folder; empty at the start, deleted at the end. */
    Path folder() {
        return folder;
    }

    /**
     * The target's store on {@code folder()/store}, acknowledging with {@code durability}: the
     * engine itself, or a client of a server started on that folder. Opening it again after closing
     * it finds what was written (W4 and W5 write, close, and reopen).
     */
    EventStore openStore(Durability durability) {
        return target.open(folder.resolve("store"), durability);
    }

    /** The target's name ({@link Targets}): W7 picks the consumer API that goes with it. */
    String targetName() {
        return target.name();
    }

    /** Prints "W2 {message}" to the progress channel. */
    void say(String message) {
        progress.accept(workload + " " + message);
    }

    /** Prints {@code report} every few seconds until closed. */
    Ticker ticker(java.util.function.Supplier<String> report) {
        return Ticker.start(sizes.progressInterval(), () -> say(report.get()));
    }
}
