package io.strata.core;

/** The contract, proven against the reference model itself. The model cannot restart. */
class InMemoryEventStoreContractTest extends EventStoreContract {

    @Override
    protected EventStore openStore() {
        return new InMemoryEventStore();
    }

    /** The model remembers every id forever, which satisfies any dedup window. */
    @Override
    protected EventStore openStoreWithDedupWindowEvents(long events) {
        return new InMemoryEventStore();
    }
}
