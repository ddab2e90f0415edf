package io.strata.storage;

/**
 * What the writer publishes and the readers read: the log, its indexes, and the committed head.
 *
 * <p>Thread rule: only the writer (or recovery, before the store opens) changes it, except that in
 * durability {@code fsync} the writer's {@link Syncer} calls {@link #commit}, the one publication point
 * of the head, and adds to {@link #sparse}. Readers see only records before {@link #committedNextPosition()},
 * which the writer advances after the records are durable under the store's durability mode.
 */
final class StoreState {
    final StoreConfig config;
    final Log log;
    final Index streamIndex;
    final Index idIndex;
    final SparsePositionIndex sparse;
    final CommitNotifier notifier = new CommitNotifier();
    final RecentEvents recent = new RecentEvents();

    private volatile long committedEndAddress;
    private volatile long lastRecordedMicros;
    private volatile long streams;
    private volatile long committedNextPosition;

    StoreState(StoreConfig config, Log log, Index streamIndex, Index idIndex, SparsePositionIndex sparse) {
        this.config = config;
        this.log = log;
        this.streamIndex = streamIndex;
        this.idIndex = idIndex;
        this.sparse = sparse;
    }

    /**
     * Makes the index entries added so far visible to readers. Writer only. They may run ahead of the
     * committed head (durability {@code fsync} publishes entries of written batches before their fsync):
     * every read of an index cuts at the committed head.
     */
    void publishIndexes() {
        streamIndex.publish();
        idIndex.publish();
    }

    /** Publishes a new head; the position is written last so a reader that sees it sees the rest. */
    void commit(long nextPosition, long endAddress, long recordedMicros, long streamCount) {
        committedEndAddress = endAddress;
        lastRecordedMicros = recordedMicros;
        streams = streamCount;
        committedNextPosition = nextPosition;
        notifier.signalAll();
    }

    /** The position the next event will get; every position below it is durable and readable. */
    long committedNextPosition() {
        return committedNextPosition;
    }

    long committedEndAddress() {
        return committedEndAddress;
    }

    long lastRecordedMicros() {
        return lastRecordedMicros;
    }

    long streams() {
        return streams;
    }
}
