package io.strata.bench;

import io.strata.core.Durability;
import io.strata.core.EventStore;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.file.Path;

/** {@code strata-embedded}: the engine in the driver's own JVM, no network, no serialization. */
final class EmbeddedTarget implements Target {
    @Override
    public String name() {
        return Targets.EMBEDDED;
    }

    @Override
    public EventStore open(Path folder, Durability durability) {
        return EmbeddedEventStore.open(StoreConfig.builder(folder).durability(durability).build());
    }
}
