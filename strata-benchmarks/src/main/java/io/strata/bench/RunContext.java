package io.strata.bench;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a workload gets: its sizes, the durability asked for, a fresh folder of its own (deleted
 * after the run) and the progress channel.
 */
final class RunContext {
    private final String workload;
    private final WorkloadSizes sizes;
    private final Durability durability;
    private final Path folder;
    private final Consumer<String> progress;

    RunContext(String workload, WorkloadSizes sizes, Durability durability, Path folder, Consumer<String> progress) {
        this.workload = workload;
        this.sizes = sizes;
        this.durability = durability;
        this.folder = folder;
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

    /** The store in {@code folder()/store}, opened with {@code durability}. */
    EventStore openStore(Durability durability) {
        return EmbeddedEventStore.open(StoreConfig.builder(folder.resolve("store")).durability(durability).build());
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
