package io.strata.cli;

import io.strata.client.HttpEventStore;
import io.strata.core.Durability;
import io.strata.core.ErrorCode;
import io.strata.core.EventStore;
import io.strata.core.StrataException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Path;

/**
 * Opens the store a command works on: the server named by {@code --url}, else the local folder of
 * {@code --db}, without ever creating a local store by reading.
 */
final class Stores {
    private final StoreProvider provider;

    Stores(StoreProvider provider) {
        this.provider = provider;
    }

    /** The server of {@code --url} when given, else the existing local store of {@code --db}. */
    EventStore openExisting(GlobalOptions global) {
        return global.url().<EventStore>map(HttpEventStore::connect).orElseGet(() -> openExisting(global.db()));
    }

    /**
     * The server of {@code --url} when given (the server's durability applies), else the local store
     * of {@code --db}, created when missing.
     */
    EventStore openOrCreate(GlobalOptions global, Durability durability) {
        return global.url().<EventStore>map(HttpEventStore::connect).orElseGet(() -> openOrCreate(global.db(), durability));
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
