package io.strata.storage.contract;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import io.strata.core.EventStoreContract;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded engine against the whole {@link EventStoreContract}, with default settings except
 * durability {@code none} (for speed: closing the store still writes everything). Reopen is close +
 * open of the same folder.
 */
class EmbeddedEventStoreContractTest extends EventStoreContract {
    @TempDir
    Path tempDir;
    private int stores;

    /** The settings of every store of this test class; subclasses vary them. */
    protected StoreConfig.Builder configure(StoreConfig.Builder builder) {
        return builder.durability(Durability.NONE);
    }

    private StoreConfig.Builder freshFolder() {
        return configure(StoreConfig.builder(tempDir.resolve("store-" + stores++)));
    }

    @Override
    protected EventStore openStore() {
        return EmbeddedEventStore.open(freshFolder().build());
    }

    @Override
    protected EventStore reopen(EventStore store) {
        StoreConfig config = ((EmbeddedEventStore) store).config();
        store.close();
        return EmbeddedEventStore.open(config);
    }

    @Override
    protected EventStore openStoreWithDedupWindowEvents(long events) {
        return EmbeddedEventStore.open(freshFolder().dedupWindowEvents(events).build());
    }
}
