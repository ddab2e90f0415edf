package io.strata.client;

import io.strata.core.EventStore;
import io.strata.core.EventStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC client against the whole {@link EventStoreContract}: each store is a real server in this
 * JVM on random ports, with its own folder, durability none and small memtables (for speed and
 * memory), and a client connected to it. Reopen closes both and starts a new server on the same folder.
 */
class StrataClientContractTest extends EventStoreContract {
    private static final int MAX_EVENT_BYTES = 1 << 20;
    private static final int MAX_EVENTS_PER_APPEND = 10_000;

    @TempDir
    Path tempDir;
    private int stores;

    @Override
    protected EventStore openStore() {
        return ServedClient.start(tempDir.resolve("store-" + stores++), config -> config
                .maxEventBytes(MAX_EVENT_BYTES).maxEventsPerAppend(MAX_EVENTS_PER_APPEND));
    }

    @Override
    protected EventStore reopen(EventStore store) {
        return ((ServedClient) store).reopen();
    }

    @Override
    protected EventStore openStoreWithDedupWindowEvents(long events) {
        return ServedClient.start(tempDir.resolve("store-" + stores++), config -> config
                .maxEventBytes(MAX_EVENT_BYTES).maxEventsPerAppend(MAX_EVENTS_PER_APPEND).dedupWindowEvents(events));
    }

    @Override
    protected int maxEventBytes() {
        return MAX_EVENT_BYTES;
    }

    @Override
    protected int maxEventsPerAppend() {
        return MAX_EVENTS_PER_APPEND;
    }
}
