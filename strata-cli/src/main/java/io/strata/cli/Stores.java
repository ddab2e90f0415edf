package io.strata.cli;

import io.strata.core.Durability;
import io.strata.core.ErrorCode;
import io.strata.core.EventStore;
import io.strata.core.StrataException;
import io.strata.storage.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens local stores for commands, without ever creating one by reading. */
final class Stores {
    /** The engine's segment folder; its name is part of the on-disk layout, so it does not change lightly. */
    private static final String LOG_FOLDER = "log";

    private final StoreProvider provider;

    Stores(StoreProvider provider) {
        this.provider = provider;
    }

    /** Opens the store in {@code directory}, which must exist: reading must not create a store. */
    EventStore openExisting(Path directory) {
        requireStore(directory);
        return provider.open(StoreConfig.builder(directory).build());
    }

    /** Opens the store in {@code directory}, creating it when missing: appending creates a store. */
    EventStore openOrCreate(Path directory, Durability durability) {
        return provider.open(StoreConfig.builder(directory).durability(durability).build());
    }

    /**
     * Throws {@code not_found} unless {@code directory} holds a store. A store is recognised by its
     * log folder (see EmbeddedEventStore's folder layout), so that reading a folder that merely
     * exists, such as the home folder, does not turn it into a store.
     */
    static void requireStore(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new StrataException(ErrorCode.NOT_FOUND, "no store at " + directory);
        }
        if (!Files.isDirectory(directory.resolve(LOG_FOLDER))) {
            throw new StrataException(ErrorCode.NOT_FOUND, "no store at " + directory + " (the folder has no " + LOG_FOLDER + "/ in it)");
        }
    }
}
