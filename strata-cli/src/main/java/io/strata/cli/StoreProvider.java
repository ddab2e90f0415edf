package io.strata.cli;

import io.strata.core.EventStore;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;

/**
 * Opens the store a command works on.
 *
 * <p>Design note: commands never call {@link EmbeddedEventStore#open} themselves so that a test can
 * hand two commands the same open store; an embedded store folder is open in one place at a time,
 * and {@code tail} is only worth testing with a writer appending next to it.
 */
@FunctionalInterface
interface StoreProvider {
    StoreProvider EMBEDDED = EmbeddedEventStore::open;

    EventStore open(StoreConfig config);
}
