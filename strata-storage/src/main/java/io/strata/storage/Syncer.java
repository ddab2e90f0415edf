package io.strata.storage;

import io.strata.core.AppendResult;
import io.strata.core.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Durability {@code fsync}: makes large written batches durable and acknowledges them while the writer
 * encodes and writes the next ones (ADR 0004). Smaller batches the writer fsyncs itself (see
 * {@link StoreConfig#pipelinedBatchBytes()}), unless this thread is {@link #busy}: then they join its next
 * fsync, and the writer goes on (W3, six interleaved pairs: +18, -2, +11, +18, -10, +5 %; W2 unchanged).
 *
 * <pre>
 *  writer thread:  [check+encode+write B1] [check+encode+write B2] [check+encode+write B3] ...
 *                                  │ hand               │ hand     │ hand
 *  syncer thread:                  └─► [fsync ⊇ B1 ] ───┴──────────┴─► [fsync ⊇ B2,B3 ] ...
 *                                        publish head B1,              publish head B2, B3,
 *                                        complete B1's futures         complete their futures
 * </pre>
 *
 * <p>Design note: in W3 (8 writers × 100-event appends, ~300 KB batches) the writer thread is the
 * limit, and with one thread an fsync (0.2-0.6 ms here, plus its kernel CPU) stopped all encoding and
 * writing. With the fsync here: 5 of 7 interleaved pairs faster, mean 525 K vs 401 K events/s; with
 * the 64 KiB threshold 3 of 3, +12 to +18 %. For small batches (W2, 64 single-event writers) the
 * hand-over cost 13 %: each batch then waited for this thread to be scheduled on a busy 2-core machine.
 *
 * <p>Rules that keep it safe: a batch is handed over only after its bytes are written, so an fsync
 * covers it; batches are acknowledged, and the committed head moves, strictly in the order written;
 * readers never see past the committed head (index entries may be ahead of it: every read cuts at
 * the head). An fsync error stops everything: the batches waiting here fail, every later hand-over
 * fails, and {@code onFatal} tells the writer to stop. The sparse position index, which {@code asOf}
 * reads search without a cut, only learns a batch's positions once it is durable, from this thread.
 *
 * <p>Thread rule: the writer calls {@link #hand}, {@link #awaitIdle} and {@link #close}; the syncer's
 * own thread does the rest.
 */
final class Syncer extends EngineThread {
    /** Batches written but not yet durable, at most; the writer waits when the syncer is this far behind. */
    private static final int MAX_PENDING = 256;

    /** A batch whose records are written: what to fsync, then publish, then acknowledge. */
    record WrittenBatch(List<AppendRequest> requests, List<AppendResult> results, List<Segment> segments,
                        long nextPosition, long endAddress, long lastRecordedMicros, long streams,
                        int appends, long[] sparseCandidates) {
    }

    private final StoreState state;
    private final StoreConfig.SyncObserver syncObserver;
    private final Consumer<IOException> onFatal;

    // Guarded by lock:
    private final ArrayDeque<WrittenBatch> pending = new ArrayDeque<>();
    private boolean syncing;
    private IOException fatal;

    Syncer(StoreState state, Consumer<IOException> onFatal) {
        super("strata-syncer");
        this.state = state;
        this.syncObserver = state.config.syncObserver();
        this.onFatal = onFatal;
    }

    /** Queues a written batch for the next fsync; waits while {@link #MAX_PENDING} are queued. */
    void hand(WrittenBatch batch) {
        lock.lock();
        try {
            while (pending.size() >= MAX_PENDING && fatal == null) {
                changed.awaitUninterruptibly();
            }
            if (fatal != null) {
                failAll(List.of(batch), fatal);
                return;
            }
            pending.add(batch);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a batch handed over is still being fsync'd or waiting for it: one more joins its wake, no wake-up of its own. */
    boolean busy() {
        lock.lock();
        try {
            return (syncing || !pending.isEmpty()) && fatal == null;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every batch handed over is durable and acknowledged (or failed). */
    void awaitIdle() {
        lock.lock();
        try {
            while ((!pending.isEmpty() || syncing) && fatal == null) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The fsync error that stopped the syncer, or null. */
    IOException fatal() {
        lock.lock();
        try {
            return fatal;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        List<WrittenBatch> taken = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (pending.isEmpty() && !closing) {
                    changed.awaitUninterruptibly();
                }
                if (pending.isEmpty()) {
                    return; // closing, nothing left
                }
                taken.addAll(pending);
                pending.clear();
                syncing = true;
                changed.signalAll(); // room for the writer again
            } finally {
                lock.unlock();
            }
            IOException failure = syncAndAcknowledge(taken);
            lock.lock();
            try {
                syncing = false;
                if (failure != null) {
                    fatal = failure;
                    onFatal.accept(failure); // before anyone waiting wakes and looks at the writer
                    failAll(pending, failure);
                    pending.clear();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            taken.clear();
            if (failure != null) {
                return; // hand() fails whatever comes later
            }
        }
    }

    /** fsyncs every segment the batches wrote to, then publishes and acknowledges them in order. */
    private IOException syncAndAcknowledge(List<WrittenBatch> batches) {
        List<Segment> segments = new ArrayList<>(1);
        int appends = 0;
        for (WrittenBatch batch : batches) {
            for (Segment segment : batch.segments()) {
                if (!segments.contains(segment)) {
                    segments.add(segment);
                }
            }
            appends += batch.appends();
        }
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            long started = System.nanoTime();
            try {
                segment.force();
            } catch (IOException e) {
                IOException failure = new IOException("fsync of " + segment.path() + " failed; the writer has stopped and "
                        + "will not acknowledge any append until the store is reopened", e);
                failAll(batches, failure);
                return failure;
            }
            report(System.nanoTime() - started, i == segments.size() - 1 ? appends : 0);
        }
        for (WrittenBatch batch : batches) {
            long[] sparse = batch.sparseCandidates();
            for (int i = 0; i < sparse.length; i += 2) {
                state.sparse.maybeAdd(sparse[i], sparse[i + 1], batch.lastRecordedMicros()); // the batch's own time: it has entries
            }
        }
        // Heads only move forward, so the last batch's head publishes them all, with one wake-up of the readers.
        WrittenBatch last = batches.get(batches.size() - 1);
        state.commit(last.nextPosition(), last.endAddress(), last.lastRecordedMicros(), last.streams());
        for (WrittenBatch batch : batches) {
            for (int i = 0; i < batch.requests().size(); i++) {
                batch.requests().get(i).future.complete(batch.results().get(i));
            }
        }
        return null;
    }

    private void report(long nanos, int appends) {
        try {
            syncObserver.synced(nanos, appends);
        } catch (RuntimeException e) {
            // An observer's bug must not stop the syncer.
        }
    }

    private static void failAll(Iterable<WrittenBatch> batches, IOException cause) {
        StoreUnavailableException failure = new StoreUnavailableException("the store's writer has stopped: "
                + cause.getMessage(), cause);
        for (WrittenBatch batch : batches) {
            for (AppendRequest request : batch.requests()) {
                request.future.completeExceptionally(failure);
            }
        }
    }
}
