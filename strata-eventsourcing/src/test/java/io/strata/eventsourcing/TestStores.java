package io.strata.eventsourcing;

import io.strata.core.Durability;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;

import java.nio.file.Path;

/** The real embedded engine, without fsync: these tests are about the toolkit, not durability. */
public final class TestStores {
    private TestStores() {
    }

    public static EmbeddedEventStore open(Path directory) {
        return EmbeddedEventStore.open(StoreConfig.builder(directory).durability(Durability.NONE).memtableEntries(1 << 14).build());
    }
}
