package io.strata.storage.contract;

import io.strata.core.Durability;
import io.strata.storage.StoreConfig;

/**
 * The contract again, with durability {@code fsync} (the default) and tiny segments and memtables,
 * so that segment rolls, index flushes and reads across index files happen inside ordinary tests.
 */
class EmbeddedDurableSmallFilesContractTest extends EmbeddedEventStoreContractTest {

    @Override
    protected StoreConfig.Builder configure(StoreConfig.Builder builder) {
        return builder.durability(Durability.FSYNC).segmentBytes(64 << 10).memtableEntries(64);
    }
}
