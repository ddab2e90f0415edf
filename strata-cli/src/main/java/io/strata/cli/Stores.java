package io.strata.cli;

import io.strata.core.Durability;
import io.strata.core.ErrorCode;
import io.strata.core.EventStore;
import io.strata.core.StrataException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Path;

/** Opens local stores for commands, without ever creating one by reading. */
final class Stores {
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
     * Throws {@code not_found} unless {@code directory} holds a store, so that reading a folder that
     * merely exists, such as the home folder, does not turn it into a store.
     */
    static void requireStore(Path directory) {
        if (!EmbeddedEventStore.exists(directory)) {
            throw new StrataException(ErrorCode.NOT_FOUND, "no store at " + directory);
        }
    }
}
