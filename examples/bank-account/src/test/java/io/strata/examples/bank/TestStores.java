package io.strata.examples.bank;

import io.strata.core.Durability;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;

import java.nio.file.Path;

/** The real embedded engine without fsync: these tests are about the example, not durability. */
final class TestStores {
    private TestStores() {
    }

    static EmbeddedEventStore open(Path directory) {
        return EmbeddedEventStore.open(StoreConfig.builder(directory).durability(Durability.NONE).build());
    }
}
