package io.strata.storage;

import io.strata.core.AppendResult;
import io.strata.core.DiskFullException;
import io.strata.core.Durability;
import io.strata.core.ExpectedRevision;
import io.strata.core.IdempotencyConflictException;
import io.strata.core.Position;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.core.WrongExpectedRevisionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The single writer: group commit for every append of the store.
 *
 * <pre>
 *  appendAsync (any thread) ──▶ queue ──▶ writer thread: drain a batch
 *        ▲                                  │ check expected revisions and event ids
 *        │                                  │ assign revisions, positions, recorded time
 *        │                                  │ encode records (CRC, hash chain) into one buffer
 *        │                                  │ write; add index entries
 *        │                                  ├─ fsync mode: hand the batch to the Syncer, go on with the next
 *        │                                  │    (its thread fsyncs once for every batch written meanwhile)
 *        │                                  │ publish the new head once durable (batched/none: at once)
 *        └──────── futures completed ◀──────┘ wake subscribers
 * </pre>
 *
 * <p>A write error (e.g. a full disk) fails that batch, cuts the segment back to where the batch began
 * and leaves the store writable. An fsync error is fatal: the writer stops and never acknowledges
 * again, because after a failed fsync the kernel may have dropped the dirty pages (PostgreSQL's
 * "fsyncgate").
 *
 * <p>Each fsync of the log is timed and reported to the {@link StoreConfig.SyncObserver}, with the
 * number of appends it made durable, before those appends are acknowledged.
 *
 * <p>Design note: futures are completed on the writer thread, so dependent actions registered with
 * non-async {@code CompletableFuture} methods run there too; callers with slow callbacks should use
 * the {@code *Async} variants.
 */
final class Writer implements Runnable {
    private static final int MAX_REQUESTS_PER_BATCH = 4096;
    private static final int HEAD_CACHE_CAPACITY = 100_000;
    private static final long[] NO_SPARSE_CANDIDATES = new long[0];
    /** Put on the queue by {@link #close()} to wake the writer without interrupting it. */
    private static final AppendRequest CLOSE = new AppendRequest("$close", ExpectedRevision.ANY,
            List.of(io.strata.core.EventData.json("$close", new byte[0])), new IdGenerator());

    private final StoreState state;
    private final StoreConfig config;
    private final StoreReader reader;
    private final StoreConfig.SyncObserver syncObserver;
    private final BlockingQueue<AppendRequest> queue;
    private final StreamHeads heads = new StreamHeads(HEAD_CACHE_CAPACITY);
    private final ChainHasher hasher = new ChainHasher();
    private final List<AppendRequest> batch = new ArrayList<>();
    /** Requests of the last batch that did not fit before a checkpoint; they go first next time. */
    private final List<AppendRequest> carried = new ArrayList<>();
    private final Map<UUID, PendingId> batchIds = new HashMap<>();
    private final Thread thread;
    /** Durability fsync: fsyncs and acknowledges written batches while this thread writes the next; else null. */
    private final Syncer syncer;
    /** Writes frozen memtables out and records the checkpoint while this thread goes on (ADR 0007). */
    private final Checkpointer checkpointer;
    /** Durability fsync or batched: the next segment's file, zero-filled beforehand (ADR 0008); else null. */
    private final SpareSegment spare;
    /** Durability fsync or batched: lets go of the pages of segments older than the cached ones (ADR 0009); else null. */
    private final PageCacheTrimmer trimmer;
    /** The batch being encoded. A heap buffer, so hashing reads its array (see ChainHasher.chain). */
    private ByteBuffer buffer = ByteBuffer.allocate(4 << 20);
    private ByteBuffer scratch;

    /** Per record written in this batch: stream key, revision, position, address, id key (0 if none), client-id flag. */
    private long[] entries = new long[6 * 1024];
    private int entryCount;
    private final List<Segment> touched = new ArrayList<>();
    private final List<Long> touchedSizes = new ArrayList<>();
    private Segment createdInBatch;
    /** The active segment's size and the time when it began taking records here (opened or rolled to): its pace. */
    private long activeSizeAtStart;
    private long activeStartNanos;

    private long nextPosition;
    private long lastRecordedMicros;
    private long streams;
    private long unforcedSince = -1;
    /** Appends written since the last fsync reported to the sync observer. */
    private int unsyncedAppends;
    /** The recorded time of every record of the batch being written. */
    private long batchMicros;
    private volatile boolean closing;
    private volatile Throwable fatal;
    private boolean checkpointPending;

    /** An event id written earlier in the same batch, by {@code request} as its {@code index}th event. */
    private record PendingId(AppendRequest request, int index) {
    }

    /** Results of the appends encoded so far in this batch. */
    private final Map<AppendRequest, AppendResult> batchResults = new java.util.IdentityHashMap<>();

    /** The result of the append earlier in this batch that {@code request} repeats exactly, or null. */
    private AppendResult sameAsPending(AppendRequest request) {
        PendingId first = batchIds.get(request.ids[0]);
        if (first == null || first.index() != 0 || first.request().size() != request.size()
                || !first.request().stream.equals(request.stream) || !Arrays.equals(first.request().ids, request.ids)) {
            return null;
        }
        return batchResults.get(first.request());
    }

    Writer(StoreState state, StoreReader reader, long nextPosition, long lastRecordedMicros, long streams, byte[] chainHash) {
        this.state = state;
        this.config = state.config;
        this.reader = reader;
        this.syncObserver = config.syncObserver();
        this.queue = new ArrayBlockingQueue<>(config.writeQueueCapacity());
        this.nextPosition = nextPosition;
        this.lastRecordedMicros = lastRecordedMicros;
        this.streams = streams;
        this.hasher.reset(chainHash);
        this.thread = new Thread(this, "strata-writer");
        this.thread.setDaemon(true);
        this.syncer = config.durability() == Durability.FSYNC ? new Syncer(state, this::stopAfterSyncFailure) : null;
        this.checkpointer = new Checkpointer(state);
        this.spare = config.durability() != Durability.NONE && config.preallocateBytes() > 0 && config.spareSegment()
                ? new SpareSegment(config.fileIO(), state.log.active().path().getParent(), config.segmentBytes(),
                        state::committedEndAddress) : null;
        this.trimmer = config.durability() != Durability.NONE && config.cachedSegments() < Integer.MAX_VALUE
                ? new PageCacheTrimmer() : null;
    }

    void start() {
        if (syncer != null) {
            syncer.start();
        }
        checkpointer.start();
        if (spare != null) {
            spare.start();
        }
        if (trimmer != null) {
            trimmer.start();
        }
        activeStartsNow(state.log.active());
        thread.start();
    }

    /** The syncer's fsync failed: no batch is written after this one (processBatch checks fatal first). */
    private void stopAfterSyncFailure(IOException failure) {
        if (fatal == null) {
            fatal = failure;
        }
    }

    /** Queues an append; blocks while the queue is full (back-pressure). */
    void submit(AppendRequest request) {
        if (closing) {
            request.future.completeExceptionally(new StoreUnavailableException("the store is closed"));
            return;
        }
        Throwable failure = fatal;
        if (failure != null) {
            request.future.completeExceptionally(unavailable(failure));
            return;
        }
        try {
            queue.put(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.future.completeExceptionally(new StoreUnavailableException("interrupted while queueing an append", e));
        }
        if (closing && queue.remove(request)) {
            request.future.completeExceptionally(new StoreUnavailableException("the store is closed"));
        }
    }

    /** Stops after completing everything queued, then writes a checkpoint so the next open is fast. */
    void close() {
        closing = true;
        // Never interrupt the writer: an interrupt closes the FileChannel it is writing to.
        queue.offer(CLOSE);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Throwable fatal() {
        return fatal;
    }

    /** Whether the next roll will start from a prepared spare segment (tests). */
    boolean spareSegmentReady() {
        return spare != null && spare.isReady();
    }

    @Override
    public void run() {
        try {
            while (true) {
                if (!carried.isEmpty()) {
                    batch.addAll(carried);
                    carried.clear();
                    processBatch();
                    batch.clear();
                    continue;
                }
                AppendRequest first = pollNext();
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        break;
                    }
                    forceIfDue();
                    continue;
                }
                if (first != CLOSE) {
                    batch.add(first);
                }
                queue.drainTo(batch, MAX_REQUESTS_PER_BATCH - 1);
                batch.remove(CLOSE);
                if (!batch.isEmpty()) {
                    processBatch();
                }
                batch.clear();
            }
            finishOnClose();
        } catch (Throwable t) {
            fail(t);
        } finally {
            checkpointer.close(); // after the last checkpoint, written above by this thread
            if (spare != null) {
                spare.close();
            }
            if (trimmer != null) {
                trimmer.close();
            }
        }
    }

    private AppendRequest pollNext() throws InterruptedException {
        if (closing) {
            return queue.poll();
        }
        if (config.durability() == Durability.BATCHED && unforcedSince >= 0) {
            long wait = config.batchedFsyncInterval().toNanos() - (System.nanoTime() - unforcedSince);
            return queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
        }
        return queue.poll(100, TimeUnit.MILLISECONDS);
    }

    private void processBatch() throws IOException {
        if (fatal != null) {
            failAll(batch, unavailable(fatal));
            return;
        }
        entryCount = 0;
        if ((checkpointPending || memtableFull()) && !tryCheckpoint()) {
            failAll(batch, new DiskFullException("the store could not write its index checkpoint; free disk space and retry", null));
            return;
        }
        long batchStartPosition = nextPosition;
        long batchStartAddress = state.log.active().endAddress();
        long batchStartMicros = lastRecordedMicros;
        long batchStartStreams = streams;
        byte[] batchStartHash = hasher.current();
        long recordedMicros = Math.max(lastRecordedMicros, RecordFormat.toMicros(java.time.Instant.now()));
        batchMicros = recordedMicros;
        buffer.clear();
        entryCount = 0;
        touched.clear();
        touchedSizes.clear();
        createdInBatch = null;
        batchIds.clear();
        batchResults.clear();
        List<AppendRequest> written = new ArrayList<>(batch.size());
        List<AppendResult> results = new ArrayList<>(batch.size());
        int appendsWritten = 0;
        long encodedBytes = 0;
        long sliceBytes = sliceBytes();
        boolean handOver = false;
        try {
            for (int r = 0; r < batch.size(); r++) {
                AppendRequest request = batch.get(r);
                if (memtableFull()) {
                    // The rest waits for the next batch, after this one's checkpoint makes room.
                    carried.addAll(batch.subList(r, batch.size()));
                    break;
                }
                try {
                    AppendResult duplicate = findEarlierWrite(request);
                    if (duplicate != null) {
                        results.add(duplicate);
                        written.add(request);
                        continue;
                    }
                    long head = headOf(request);
                    checkExpected(request, head);
                    results.add(encode(request, head, recordedMicros));
                    written.add(request);
                    appendsWritten++;
                    encodedBytes += request.recordBytes;
                    if (encodedBytes >= sliceBytes && r + 1 < batch.size()) {
                        // The rest is written while the syncer fsyncs this much (see sliceBytes()).
                        carried.addAll(batch.subList(r + 1, batch.size()));
                        break;
                    }
                } catch (StrataException e) {
                    request.future.completeExceptionally(e);
                }
            }
            writeBuffer();
            // Only large batches go to the syncer (ADR 0004): handing over every W2 batch (64 writers, ~20 KB
            // batches) cost 13 % (55 K vs 63 K appends/s, three interleaved pairs), the syncer's wake-up on a
            // busy 2-core machine coming on top of each fsync; W3 (~300 KB batches) gained (five of seven
            // interleaved pairs, mean 525 K vs 401 K events/s). 64 KiB takes about one fsync to encode and write.
            // A small batch goes too while the syncer is still at earlier ones: it joins their next fsync,
            // where the writer would wait for the syncer and then fsync it alone.
            handOver = syncer != null
                    && (state.log.active().endAddress() - batchStartAddress >= config.pipelinedBatchBytes() || syncer.busy());
            if (!handOver) {
                unsyncedAppends += appendsWritten;
                if (config.durability() == Durability.FSYNC) {
                    awaitSyncerIdle(); // its batches come first, and two fsyncs of one file must not overlap
                    force();
                } else if (unforcedSince < 0 && entryCount > 0) {
                    unforcedSince = System.nanoTime();
                }
            }
        } catch (IOException e) {
            rollBack(batchStartPosition, batchStartMicros, batchStartStreams, batchStartHash, e);
            // Every request of the batch that has no answer yet fails: those written, the one being
            // encoded when the write failed, and those after it (completing a failed one is a no-op).
            StrataException failure = writeFailure(e);
            for (AppendRequest request : batch) {
                if (!carried.contains(request)) {
                    request.future.completeExceptionally(failure);
                }
            }
            return;
        }
        if (handOver) {
            handToSyncer(written, results, appendsWritten, recordedMicros);
            return;
        }
        applyEntries(true);
        if (entryCount > 0) {
            lastRecordedMicros = recordedMicros;
        }
        state.publishIndexes();
        state.commit(nextPosition, state.log.active().endAddress(), lastRecordedMicros, streams);
        for (int i = 0; i < written.size(); i++) {
            written.get(i).future.complete(results.get(i));
        }
        checkpointIfFull();
    }

    /**
     * Durability fsync: the batch is written; its index entries go in now (the next batch's checks need
     * them, and reads cut at the committed head), and the syncer makes it durable and acknowledges it.
     */
    private void handToSyncer(List<AppendRequest> written, List<AppendResult> results, int appends, long recordedMicros) {
        long[] sparseCandidates = applyEntries(false);
        if (entryCount > 0) {
            lastRecordedMicros = recordedMicros;
        }
        state.publishIndexes();
        // Nothing written (only repeats of earlier appends, or only rejected ones): nothing to fsync, but the
        // answers still wait their turn, after the batches they may repeat.
        List<Segment> segments = List.copyOf(touched);
        syncer.hand(new Syncer.WrittenBatch(written, results, segments, nextPosition, state.log.active().endAddress(),
                lastRecordedMicros, streams, appends, sparseCandidates));
        checkpointIfFull();
    }

    /**
     * How many bytes of this batch to write before handing them to an idle syncer, the rest waiting for
     * the next turn; {@code Long.MAX_VALUE} for the whole batch. The syncer only gets work from this
     * thread, so idle now means idle until this batch is handed over.
     *
     * <p>Design note: W3's 8 writers otherwise move in one convoy: all 8 appends are written, then
     * fsync'd together, then all 8 writers build their next append while the disk and this thread wait.
     * Handing over the first half starts its fsync while the second half is written, and its writers
     * build their next appends meanwhile: two groups that take turns. W3 with 128 KiB slices: +10 % on
     * average over eight interleaved pairs; 96 and 160 KiB gained less (ADR 0004, eleventh session).
     */
    private long sliceBytes() {
        if (syncer == null || config.syncSliceBytes() == 0 || syncer.busy()) {
            return Long.MAX_VALUE;
        }
        return Math.max(config.syncSliceBytes(), config.pipelinedBatchBytes()); // smaller would not be handed over
    }

    private void checkpointIfFull() {
        if (state.streamIndex.needsFlush() || state.idIndex.needsFlush()) {
            checkpointPending = true;
            tryCheckpoint();
        }
    }

    /** Whether the memtables reached their capacity counting this batch so far. */
    private boolean memtableFull() {
        return state.streamIndex.memtableSize() + entryCount >= state.streamIndex.memtableCapacity()
                || state.idIndex.memtableSize() + entryCount >= state.idIndex.memtableCapacity();
    }

    /** The stream's last revision, counting appends earlier in this batch; -1 when it has none. */
    private long headOf(AppendRequest request) {
        long cached = heads.get(request.streamKey, request.stream);
        if (cached != StreamHeads.ABSENT) {
            return cached;
        }
        long head = reader.lastRevision(request.streamKey, request.streamBytes, Long.MAX_VALUE);
        heads.put(request.streamKey, request.stream, head);
        return head;
    }

    private static void checkExpected(AppendRequest request, long head) {
        ExpectedRevision expected = request.expected;
        boolean ok = switch (expected) {
            case ExpectedRevision.Any any -> true;
            case ExpectedRevision.NoStream none -> head < 0;
            case ExpectedRevision.Exists exists -> head >= 0;
            case ExpectedRevision.Exact exact -> head == exact.revision();
        };
        if (!ok) {
            throw new WrongExpectedRevisionException(request.stream, expected,
                    head < 0 ? OptionalLong.empty() : OptionalLong.of(head));
        }
    }

    /**
     * The original result when this append repeats one already written (same ids, same stream, one
     * batch, same order); null when it is new. Throws {@link IdempotencyConflictException} on a partial
     * or mismatched overlap.
     */
    private AppendResult findEarlierWrite(AppendRequest request) {
        if (!request.anyClientIds) {
            return null;
        }
        if (request.allClientIds && request.expected instanceof ExpectedRevision.Exact exact) {
            AppendResult retry = matchAfterRevision(request, exact.revision());
            if (retry != null) {
                return retry;
            }
        }
        int pendingFound = 0;
        long[] addresses = new long[request.size()];
        int found = 0;
        long windowStart = nextPosition - config.dedupWindowEvents();
        long windowMicros = RecordFormat.toMicros(java.time.Instant.now()) - config.dedupWindow().toNanos() / 1000;
        for (int i = 0; i < request.size(); i++) {
            if (!request.isClientId(i)) {
                continue;
            }
            UUID id = request.ids[i];
            PendingId pending = batchIds.get(id);
            if (pending != null) {
                pendingFound++;
                continue;
            }
            long address = findId(id, windowStart, windowMicros);
            if (address >= 0) {
                addresses[found++] = address;
            }
        }
        if (pendingFound > 0) {
            // A retry racing its original inside one batch gets the original's result once it commits.
            AppendResult original = pendingFound == request.size() && found == 0 ? sameAsPending(request) : null;
            if (original == null) {
                throw conflict(request);
            }
            return original;
        }
        if (found == 0) {
            return null;
        }
        if (found != request.size()) {
            throw conflict(request);
        }
        return originalResult(request, addresses);
    }

    private IdempotencyConflictException conflict(AppendRequest request) {
        return new IdempotencyConflictException(request.stream, "some event ids of this append were already written, "
                + "but not all of them as one append to stream '" + request.stream + "'");
    }

    /** The address of the record with this client-supplied id inside the dedup window, or -1. */
    private long findId(UUID id, long windowStart, long windowMicros) {
        long[] result = {-1};
        state.idIndex.newestFirst(Keys.idKey(id), (k, seq, position, address) -> {
            if (position < windowStart) {
                return false;
            }
            ByteBuffer record = state.log.readRecord(address, scratch);
            scratch = record;
            if (RecordFormat.id(record, 0).equals(id) && RecordFormat.recordedMicros(record, 0) >= windowMicros) {
                result[0] = address;
                return false;
            }
            return true;
        });
        return result[0];
    }

    /** With an exact expected revision a retry is recognised forever: compare the events after it. */
    private AppendResult matchAfterRevision(AppendRequest request, long expectedRevision) {
        long[] entries = state.streamIndex.entries(request.streamKey, expectedRevision + 1, true, request.size() + 8);
        long[] addresses = new long[request.size()];
        int matched = 0;
        for (int i = 0; i < entries.length && matched < request.size(); i += 3) {
            if (entries[i] != expectedRevision + 1 + matched) {
                continue;
            }
            ByteBuffer record = state.log.readRecord(entries[i + 2], scratch);
            scratch = record;
            if (!RecordFormat.streamEquals(record, 0, request.streamBytes)) {
                continue;
            }
            if (!RecordFormat.id(record, 0).equals(request.ids[matched])) {
                return null;
            }
            addresses[matched++] = entries[i + 2];
        }
        if (matched != request.size()) {
            return null;
        }
        return originalResultOrNull(request, addresses);
    }

    private AppendResult originalResult(AppendRequest request, long[] addresses) {
        AppendResult result = originalResultOrNull(request, addresses);
        if (result == null) {
            throw conflict(request);
        }
        return result;
    }

    /** The original result if the records at {@code addresses} are exactly one earlier append of this request. */
    private AppendResult originalResultOrNull(AppendRequest request, long[] addresses) {
        ByteBuffer first = state.log.readRecord(addresses[0], null);
        ByteBuffer last = addresses.length == 1 ? first : state.log.readRecord(addresses[addresses.length - 1], null);
        if (!RecordFormat.streamEquals(first, 0, request.streamBytes) || !RecordFormat.streamEquals(last, 0, request.streamBytes)) {
            return null;
        }
        long firstPosition = RecordFormat.position(first, 0);
        long lastPosition = RecordFormat.position(last, 0);
        long firstRevision = RecordFormat.revision(first, 0);
        long lastRevision = RecordFormat.revision(last, 0);
        boolean oneBatch = lastPosition - firstPosition == addresses.length - 1
                && lastRevision - firstRevision == addresses.length - 1;
        // Exactly one append: the first record opens it, the last closes it, none in between does either.
        for (int i = 0; oneBatch && i < addresses.length; i++) {
            ByteBuffer record = i == 0 ? first : i == addresses.length - 1 ? last : state.log.readRecord(addresses[i], scratch);
            byte flags = RecordFormat.flags(record, 0);
            oneBatch = ((flags & RecordFormat.BATCH_FIRST) != 0) == (i == 0)
                    && ((flags & RecordFormat.BATCH_LAST) != 0) == (i == addresses.length - 1)
                    && RecordFormat.position(record, 0) == firstPosition + i
                    && RecordFormat.id(record, 0).equals(request.ids[i]);
        }
        if (!oneBatch) {
            return null;
        }
        return new AppendResult(request.stream, firstRevision, lastRevision, Position.of(firstPosition),
                Position.of(lastPosition), RecordFormat.fromMicros(RecordFormat.recordedMicros(first, 0)));
    }

    /** Encodes the request's records into the batch buffer; returns its result. */
    private AppendResult encode(AppendRequest request, long head, long recordedMicros) throws IOException {
        makeRoom(request.recordBytes);
        long firstPosition = nextPosition;
        long firstRevision = head + 1;
        int n = request.size();
        for (int i = 0; i < n; i++) {
            long address = state.log.active().endAddress() + buffer.position();
            byte flags = 0;
            if (i == 0) {
                flags |= RecordFormat.BATCH_FIRST;
            }
            if (i == n - 1) {
                flags |= RecordFormat.BATCH_LAST;
            }
            boolean clientId = request.isClientId(i);
            if (clientId) {
                flags |= RecordFormat.CLIENT_ID;
                batchIds.put(request.ids[i], new PendingId(request, i));
            }
            if (request.events.get(i).validTime().isPresent()) {
                flags |= RecordFormat.HAS_VALID_TIME;
            }
            RecordFormat.write(buffer, nextPosition, firstRevision + i, recordedMicros, flags, request.bodies[i],
                    request.bodyDigests[i], hasher);
            addEntry(request.streamKey, firstRevision + i, nextPosition, address, clientId ? Keys.idKey(request.ids[i]) : 0, clientId);
            nextPosition++;
        }
        if (head < 0) {
            streams++;
        }
        // Before the batch is durable, so later appends of the batch see it; rollBack forgets it. (A map of
        // the batch's heads, copied into the cache after the write, was 8 % of the writer's CPU-time samples
        // in W2, 64 writers over 100,000 streams; without it, 1 %.)
        heads.put(request.streamKey, request.stream, firstRevision + n - 1);
        AppendResult result = new AppendResult(request.stream, firstRevision, firstRevision + n - 1,
                Position.of(firstPosition), Position.of(nextPosition - 1), RecordFormat.fromMicros(recordedMicros));
        batchResults.put(request, result);
        return result;
    }

    /** Ensures the buffer can take {@code bytes} more, writing it out or rolling the segment first. */
    private void makeRoom(int bytes) throws IOException {
        Segment active = state.log.active();
        long used = active.size() + buffer.position();
        if (used > Segment.HEADER_BYTES && used + bytes > config.segmentBytes()) {
            writeBuffer();
            roll();
        }
        if (buffer.remaining() < bytes) {
            writeBuffer();
            if (buffer.capacity() < bytes) {
                buffer = ByteBuffer.allocate(Integer.highestOneBit(bytes) << 1);
            }
        }
    }

    private void writeBuffer() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        Segment active = state.log.active();
        if (!touched.contains(active)) {
            touched.add(active);
            touchedSizes.add(active.size());
        }
        preallocateFor(active, buffer.position());
        buffer.flip();
        active.append(buffer);
        buffer.clear();
        if (spare != null && isSpareDue(active)) {
            spare.prepareNext(); // nothing, if on its way
        }
    }

    /** A quarter into the active segment, at a pace worth a spare: time to make the next segment's file. */
    private boolean isSpareDue(Segment active) {
        return active.size() > config.segmentBytes() / 4 && SpareSegment.isWorthMaking(config.segmentBytes(),
                active.size() - activeSizeAtStart, System.nanoTime() - activeStartNanos);
    }

    /** {@code segment} begins taking this writer's records now: the spare rule measures its pace from here. */
    private void activeStartsNow(Segment segment) {
        activeSizeAtStart = segment.size();
        activeStartNanos = System.nanoTime();
    }

    /**
     * Durability fsync, small writes: zero-fills the segment ahead of the records, so the fsyncs that
     * follow overwrite allocated blocks and need not also commit a new file size. Measured with {@code dd}
     * here (4 KiB write + fdatasync): 0.19-0.22 ms appending to a growing file, 0.13-0.15 ms overwriting
     * a zero-filled one. A failure (a full disk) fails the batch like a failed write.
     */
    private void preallocateFor(Segment active, int bytes) throws IOException {
        int ahead = config.preallocateBytes();
        if (config.durability() != Durability.FSYNC || ahead == 0 || bytes > ahead / 4) {
            return;
        }
        long needed = active.size() + bytes;
        if (needed <= active.allocated()) {
            return;
        }
        long target = Math.min(config.segmentBytes(), needed + ahead);
        if (target > needed) {
            active.preallocate(target);
        }
    }

    /** Seals the active segment (fsync'd unless durability is none) and starts the next one. */
    private void roll() throws IOException {
        Segment active = state.log.active();
        if (config.durability() != Durability.NONE) {
            awaitSyncerIdle();
            active.trimToSize(); // a sealed segment ends with its last record; the fsync below makes that durable
            // The batch being written is durable only once its last segment is: that fsync reports it.
            forceOrDie(active, 0);
        }
        Segment next;
        try {
            next = Segment.create(config.fileIO(), active.path().getParent(), nextPosition, active.endAddress(),
                    spare == null ? null : spare.take());
        } catch (Segment.SyncFailedException e) {
            fatal = new IOException(e.getMessage() + "; the writer has stopped and will not acknowledge any append "
                    + "until the store is reopened", e);
            throw new FatalIOException(fatal);
        }
        state.log.addSegment(next);
        createdInBatch = next;
        activeStartsNow(next);
        if (trimmer != null) {
            // The segments before the active one, newest last: the one that just fell out of the cached ones.
            Segment[] all = state.log.segments();
            int fallenOut = all.length - 2 - config.cachedSegments();
            if (fallenOut >= 0) {
                trimmer.trim(all[fallenOut]);
            }
        }
    }

    private void force() throws IOException {
        int last = touched.size() - 1;
        for (int i = 0; i <= last; i++) {
            forceOrDie(touched.get(i), i == last ? takeUnsyncedAppends() : 0);
        }
        unforcedSince = -1;
    }

    private void forceIfDue() {
        if (unforcedSince < 0 || fatal != null) {
            return;
        }
        if (config.durability() == Durability.BATCHED
                && System.nanoTime() - unforcedSince >= config.batchedFsyncInterval().toNanos()) {
            try {
                forceOrDie(state.log.active(), takeUnsyncedAppends());
                unforcedSince = -1;
            } catch (IOException e) {
                // already recorded as fatal
            }
        }
    }

    private void forceOrDie(Segment segment, int appends) throws IOException {
        try {
            forceAndReport(segment, appends);
        } catch (IOException e) {
            fatal = new IOException("fsync of " + segment.path() + " failed; the writer has stopped and will not "
                    + "acknowledge any append until the store is reopened", e);
            throw new FatalIOException(fatal);
        }
    }

    /** fsyncs {@code segment} and tells the sync observer how long it took: two nanoTime calls (tens of ns) next to a ~200 µs fsync. */
    private void forceAndReport(Segment segment, int appends) throws IOException {
        long started = System.nanoTime();
        segment.force();
        long nanos = System.nanoTime() - started;
        try {
            syncObserver.synced(nanos, appends);
        } catch (RuntimeException e) {
            // An observer's bug must not stop the writer: an exception here would be taken as fatal.
        }
    }

    /**
     * Waits until the syncer has nothing in progress, before this thread fsyncs or truncates a segment
     * itself: of two fsyncs of one file at once, Linux may report a write-back error to only one of them,
     * and the other would acknowledge what was lost.
     */
    private void awaitSyncerIdle() throws IOException {
        if (syncer == null) {
            return;
        }
        syncer.awaitIdle();
        if (syncer.fatal() != null) {
            throw new FatalIOException(syncer.fatal());
        }
    }

    private int takeUnsyncedAppends() {
        int appends = unsyncedAppends;
        unsyncedAppends = 0;
        return appends;
    }

    private void addEntry(long streamKey, long revision, long position, long address, long idKey, boolean clientId) {
        if ((entryCount + 1) * 6 > entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        int at = entryCount * 6;
        entries[at] = streamKey;
        entries[at + 1] = revision;
        entries[at + 2] = position;
        entries[at + 3] = address;
        entries[at + 4] = idKey;
        entries[at + 5] = clientId ? 1 : 0;
        entryCount++;
    }

    /**
     * Adds the batch's entries to the stream and id indexes. The sparse position index gets them too when
     * {@code sparseNow}; otherwise this returns the (position, address) pairs it would take, for the syncer
     * to add once they are durable.
     */
    private long[] applyEntries(boolean sparseNow) {
        long[] sparseCandidates = NO_SPARSE_CANDIDATES;
        int candidates = 0;
        for (int i = 0; i < entryCount; i++) {
            int at = i * 6;
            state.streamIndex.add(entries[at], entries[at + 1], entries[at + 2], entries[at + 3]);
            if (entries[at + 5] != 0) {
                state.idIndex.add(entries[at + 4], entries[at + 2], entries[at + 2], entries[at + 3]);
            }
            if (sparseNow) {
                state.sparse.maybeAdd(entries[at + 2], entries[at + 3], batchMicros);
            } else if (entries[at + 2] % SparsePositionIndex.INTERVAL == 0) {
                if (candidates == sparseCandidates.length) {
                    sparseCandidates = Arrays.copyOf(sparseCandidates, Math.max(2, candidates * 2));
                }
                sparseCandidates[candidates++] = entries[at + 2];
                sparseCandidates[candidates++] = entries[at + 3];
            }
        }
        return candidates == sparseCandidates.length ? sparseCandidates : Arrays.copyOf(sparseCandidates, candidates);
    }

    private void rollBack(long position, long micros, long streamCount, byte[] hash, IOException cause) {
        if (cause instanceof FatalIOException) {
            return;
        }
        try {
            awaitSyncerIdle();
            for (int i = touched.size() - 1; i >= 0; i--) {
                Segment segment = touched.get(i);
                if (segment != createdInBatch) {
                    segment.truncate(touchedSizes.get(i));
                }
            }
            if (createdInBatch != null) {
                state.log.removeLast(createdInBatch, config.fileIO());
            }
        } catch (IOException e) {
            fatal = new IOException("could not undo a failed write (" + cause.getMessage() + "): " + e.getMessage(), e);
            return;
        }
        nextPosition = position;
        lastRecordedMicros = micros;
        streams = streamCount;
        // The heads of the batch's streams were moved on as it was encoded; a write failure is rare enough
        // to forget them all (the index, which holds only what was written, answers again).
        heads.clear();
        hasher.reset(hash);
        buffer.clear();
        entryCount = 0;
    }

    private StrataException writeFailure(IOException e) {
        if (fatal != null) {
            return unavailable(fatal);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left") || message.contains("Disk quota")) {
            return new DiskFullException("the disk is full; nothing of this append was written (" + message + ")", e);
        }
        return new StoreUnavailableException("writing the log failed; nothing of this append was written (" + message + ")", e);
    }

    private boolean tryCheckpoint() {
        try {
            checkpoint();
            checkpointPending = false;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Freezes the memtables and has the checkpointer write them out, after the previous checkpoint has
     * finished (retried here if it failed: then this throws and nothing is frozen).
     */
    private void checkpoint() throws IOException {
        checkpointer.finishPrevious();
        makeWrittenDurable();
        state.streamIndex.freeze();
        state.idIndex.freeze();
        checkpointer.begin(checkpointJob());
    }

    /** The checkpoint tells recovery to trust the log before it: every written batch must be durable first. */
    private void makeWrittenDurable() throws IOException {
        awaitSyncerIdle();
        if (unforcedSince >= 0) {
            forceOrDie(state.log.active(), takeUnsyncedAppends());
            unforcedSince = -1;
        }
    }

    /** A checkpoint at the writer's position now; the log before it must be durable. */
    private Checkpointer.Job checkpointJob() {
        return new Checkpointer.Job(nextPosition, state.log.active().endAddress(), hasher.current(), lastRecordedMicros,
                streams, state.sparse.snapshot());
    }

    private void finishOnClose() {
        AppendRequest leftover;
        while ((leftover = queue.poll()) != null) {
            leftover.future.completeExceptionally(new StoreUnavailableException("the store is closed"));
        }
        if (syncer != null) {
            syncer.close(); // acknowledges every batch written so far, or fails them all after an fsync error
        }
        if (fatal != null) {
            return;
        }
        try {
            if (unforcedSince >= 0 || config.durability() != Durability.FSYNC) {
                forceAndReport(state.log.active(), takeUnsyncedAppends());
                unforcedSince = -1; // so the checkpoint below does not fsync the log a second time
            }
            checkpointer.finishPrevious();
            if (state.streamIndex.memtableSize() > 0 || state.idIndex.memtableSize() > 0) {
                Checkpointer.writeNow(state, checkpointJob()); // the log is durable: forced above
            }
            Segment active = state.log.active();
            if (active.allocated() > active.size()) {
                active.truncate(active.size()); // the zeros written ahead; the next open writes them again
            }
        } catch (IOException e) {
            fatal = e;
        }
    }

    private void fail(Throwable t) {
        if (fatal == null) {
            fatal = t;
        }
        if (syncer != null) {
            syncer.close();
        }
        failAll(batch, unavailable(fatal));
        failAll(carried, unavailable(fatal));
        AppendRequest leftover;
        while ((leftover = queue.poll()) != null) {
            leftover.future.completeExceptionally(unavailable(fatal));
        }
    }

    private static void failAll(List<AppendRequest> requests, StrataException e) {
        for (AppendRequest request : requests) {
            request.future.completeExceptionally(e);
        }
    }

    private static StoreUnavailableException unavailable(Throwable cause) {
        return new StoreUnavailableException("the store's writer has stopped: " + cause.getMessage(), cause);
    }

    /** An fsync failure, already recorded as fatal. */
    static final class FatalIOException extends IOException {
        FatalIOException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
