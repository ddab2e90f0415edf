package io.strata.client;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.strata.protocol.MessageBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The read pages ({@code ReadAll}, {@code ReadStream}) of a {@link StrataClient}, with read-ahead for
 * readers that page through the log: while the client decodes one page and the caller works on it, the
 * server already reads the next.
 *
 * <pre>
 *   read(r) ── r is the prefetched read? ──yes──► wait for it (up to the deadline) ──► full page? ──yes──► it
 *                │ no                                   │ failed, late or short: dropped         │
 *                └──────────────► blocking call ◄───────┴────────────────────────────────────────┘
 *   the answer of a sequential read (2nd in a row or more) arrives: full, with a next?
 *        ──► the read of the next page into the slot: the guess if it guessed right, else sent now
 *        ──► page without gaps? guess the read after that one (same step) and send it; then decode this one
 * </pre>
 *
 * <p>Why: a catch-up reader (a projection rebuilding, W4) reads {@code $all} page after page, each from
 * the last one's {@code next}. Without read-ahead each page is a whole round trip in which one thing
 * happens at a time: the server scans and encodes, then the client decodes, then the caller works on the
 * page. With it, the server's work on page n+1 overlaps the client's decoding of page n and the caller's
 * work on it: W4 over gRPC (10 M events, warmed up, server and client in one process on 2 cores), three
 * interleaved pairs without → with, 759,658 → 854,863, 780,923 → 1,012,259 and 749,497 → 912,647 events/s
 * ({@code docs/benchmarks.md}, ninth session). A first trial, measured while the JIT still compiled the
 * read path, had shown no difference.
 *
 * <p>Rules:
 * <ul>
 *   <li><b>Only sequential readers.</b> A read is sequential when it is exactly the read that follows
 *       the page last answered: same stream (or {@code $all}), direction, limit, filter and
 *       {@code asOf}, from that page's {@code next}. Only from the second sequential read in a row (the
 *       third page) does an answer send a prefetch, as an operating system's readahead does, so that a
 *       reader of one or two pages never costs the server a page nobody asked for. A read that takes a
 *       prefetched page is sequential too.</li>
 *   <li><b>Only full pages.</b> A prefetch is sent only after a full page (as many events as the limit)
 *       that has a {@code next}, and a prefetched page is used only if it is full itself. Why a full page
 *       is safe to hand out later: the log is append-only and the API deletes nothing, so what lies
 *       below the head (the last committed position or revision) never changes. A full page's events
 *       were all below the head when it was read, so a read made now from the same {@code from} finds the
 *       same first {@code limit} events, and the same {@code next} after them. A short page may have
 *       stopped at the head (or at the server's byte bound, or its 1,000-event cap): events committed
 *       since would be missing from it, so it is dropped and the read made again.</li>
 *   <li><b>Only the same read.</b> The slot is keyed by the whole read (its options record, and the
 *       stream); a read that is not equal to it never gets its page, and leaves it in place: another
 *       thread's scan may still take it.</li>
 *   <li><b>Errors as without read-ahead.</b> A prefetch that failed in any way (or was cancelled, or
 *       is not answered within the caller's deadline) is dropped and the read made as a blocking call,
 *       with what is left of the caller's deadline: the caller sees the exceptions a plain read gives.
 *       The caller's deadline counts from its read, as for a plain read; waiting for the prefetch and
 *       the call made after it together stay within it.</li>
 *   <li><b>Two pages ahead where the next {@code from} can be guessed.</b> A page's {@code next} is known
 *       only once its answer is in, so one prefetch at a time would leave the server one page to work on
 *       while the client decodes. When a page held exactly {@code limit} places from its {@code from} to its
 *       {@code next} (no event skipped: {@code $all} without a filter or {@code asOf}, a stream), the read
 *       after the next one is guessed at the same step and sent too. A guess is only ever used as the
 *       prefetch of exactly the read it guessed, once the page before it has shown that read to be the
 *       next; a wrong one is cancelled, costing the server one page. W4 over gRPC (10 M events, server and
 *       client sharing 2 cores, warmed up), three interleaved pairs one page → two pages ahead: 895,988 →
 *       1,480,001, 869,162 → 1,306,348 and 880,554 → 1,009,234 events/s; with one page ahead the machine was
 *       39 % idle ({@code docs/benchmarks.md}, tenth session).</li>
 *   <li><b>Bounded.</b> At most two prefetched pages per client (the slot and the guess), for both kinds of
 *       read, besides the page the caller is being given: the next read is sent only by the answer of a
 *       read someone is waiting for (or has taken), never by a prefetch still waiting for its reader. A new
 *       prefetch replaces (cancels) the one before, a new guess the guess before. A read whose call fails
 *       drops the guess; {@link #close()} cancels both.</li>
 * </ul>
 *
 * <p>What a prefetched page cannot know: the {@code lastRevision} of a {@code ReadStream} page is the
 * stream's last revision when the page was read, which is when the page before it arrived, so it may not
 * count appends made since. Its events and {@code next} are exactly those of a read made now.
 *
 * <p>Design note: the next read is sent when the answer's bytes are in, before the page is decoded: its
 * top-level fields (how many events, the {@code next}) are skimmed first, which costs a few microseconds
 * next to decoding a page of events. Sending it only once the page was decoded would leave the server idle
 * while the client decodes, which is the caller's whole wait when it does little with a page (W4). A
 * prefetch's answer is decoded on a virtual thread, not on the network's event loop (a blocking read's is
 * decoded on the caller's thread), so a large page does not hold up the other calls of the connection.
 *
 * <p>This class is thread-safe: the sequential-read state, the slot, the guess and the state of each call
 * are guarded by one lock, held only to look at them and to start a call, never while waiting.
 */
final class ReadAhead implements AutoCloseable {
    private final Channel channel;
    private final ClientErrors errors;
    private final Duration deadline;
    private final Executor answers;
    private final ReentrantLock lock = new ReentrantLock();
    /** The read that would follow the page last answered; null when unknown. Guarded by {@link #lock}. */
    private Object expected;
    /** How many sequential reads came in a row, the last one included. Guarded by {@link #lock}. */
    private int sequentialRun;
    /** The prefetch no read has taken yet, answered or on its way; null when none. Guarded by {@link #lock}. */
    private Fetch<?, ?> slot;
    /**
     * The prefetch of the page after the slot's, sent from a guessed {@code from}; null when none. Guarded
     * by {@link #lock}.
     */
    private Fetch<?, ?> guess;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    private final LongAdder sent = new LongAdder();
    private final LongAdder sentOnArrival = new LongAdder();
    private final LongAdder guessed = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder used = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    /**
     * One kind of paged read. {@code K} is the read as the caller gave it, a value with equals (the
     * options record, with the stream name for a stream read); the reads of two kinds are never equal.
     *
     * @param method      a new descriptor of the call, for each call (its answer's decoder is the call's own)
     * @param request     the call's request for a read
     * @param limit       the read's limit
     * @param size        how many events a page holds
     * @param next        a page's {@code next}
     * @param from        the read the same as {@code read} but from {@code next}
     * @param eventsField the field number of the answer's (repeated) events
     * @param nextField   the field number of the answer's {@code next}
     * @param start       where a read starts (its {@code from})
     */
    record Pages<K, Q, R>(Supplier<MethodDescriptor<Q, R>> method, Function<K, Q> request, ToIntFunction<K> limit,
                          ToIntFunction<R> size, Function<R, OptionalLong> next, BiFunction<K, Long, K> from,
                          int eventsField, int nextField, ToLongFunction<K> start) {
        boolean full(K read, R page) {
            return size.applyAsInt(page) >= limit.applyAsInt(read);
        }

        /** The read of the page after {@code page}, or null when it has no {@code next}. */
        K following(K read, R page) {
            OptionalLong after = next.apply(page);
            return after.isPresent() ? from.apply(read, after.getAsLong()) : null;
        }

        /**
         * A guess at the read after {@code following}, when the page of {@code read} held exactly {@code limit}
         * places (no event skipped, as in a scan of {@code $all} without a filter or of a stream): the same
         * step again. Null when that page skipped some, or the guess would start before 0.
         */
        K guessAfter(K read, K following) {
            long step = start.applyAsLong(following) - start.applyAsLong(read);
            long guessed = start.applyAsLong(following) + step;
            if (Math.abs(step) != limit.applyAsInt(read) || guessed < 0) {
                return null;
            }
            return from.apply(following, guessed);
        }
    }

    /** An answer's top-level fields: how many events, and its {@code next} (-1 when none). */
    record Outline(int events, long next) {
    }

    /**
     * One call of a read: a prefetch, or a read's blocking call. Past the constructor's, its fields are
     * guarded by {@link #lock}.
     */
    private static final class Fetch<K, R> {
        final Pages<K, ?, R> pages;
        final K read;
        /** Whether its answer may send the read of the next page (for a sequential reader only). */
        final boolean leadsOn;
        /** A prefetch's answer; null for a blocking call. */
        ListenableFuture<R> answer;
        /** A read waits for it or has it: its answer may send the next read without piling up pages. */
        boolean claimed;
        /** Its answer's outline was seen. */
        boolean arrived;
        /** The read of the next page, when the answer is full and has a next. */
        K following;
        /** It sent the read of the next page. */
        boolean ledOn;

        Fetch(Pages<K, ?, R> pages, K read, boolean leadsOn) {
            this.pages = pages;
            this.read = read;
            this.leadsOn = leadsOn;
        }
    }

    /**
     * What read-ahead did so far, for tests: a moment's view. {@code sent} counts every prefetch,
     * {@code guessed} those of them sent from a guessed {@code from}.
     */
    record Counts(long sent, long sentOnArrival, long guessed, long answered, long used, long dropped) {
    }

    /**
     * @param deadline the client's deadline of a call
     * @param answers  where the answer of a prefetch is decoded
     */
    ReadAhead(Channel channel, ClientErrors errors, Duration deadline, Executor answers) {
        this.channel = channel;
        this.errors = errors;
        this.deadline = deadline;
        this.answers = answers;
    }

    /**
     * The page of {@code read}: the prefetched one if it is for this read, answered within the deadline
     * and full, else from a blocking call. Throws what a blocking call of the read throws.
     */
    <K, Q, R> R read(Pages<K, Q, R> pages, K read) {
        Deadline callDeadline = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
        Fetch<K, R> prefetch;
        int run;
        lock.lock();
        try {
            prefetch = takeSlotIfFor(read);
            boolean sequential = prefetch != null || read.equals(expected);
            sequentialRun = sequential ? sequentialRun + 1 : 0;
            run = sequentialRun;
            expected = null;
            if (prefetch != null) {
                prefetch.claimed = true;
                leadOn(prefetch); // when its answer is in already; else as it comes in
            }
        } finally {
            lock.unlock();
        }
        Fetch<K, R> fetch = prefetch;
        R page = prefetch == null ? null : pageOf(pages, read, prefetch, callDeadline);
        if (page == null) {
            // The first two pages of a scan are read one by one; from the third on, each full page's answer
            // sends the read of the next, which the server serves while this one is decoded and worked on.
            fetch = new Fetch<>(pages, read, prefetch != null || run >= 2);
            fetch.claimed = true;
            try {
                page = call(fetch, callDeadline);
            } catch (RuntimeException e) {
                dropGuess(); // the scan stops here, as far as anyone knows
                throw e;
            }
        }
        K following = pages.following(read, page);
        lock.lock();
        try {
            expected = following;
            if (fetch.leadsOn && !fetch.ledOn && following != null && pages.full(read, page) && !closed) {
                // Normally sent as the answer came in; this is for an answer whose outline was not seen.
                fetch.ledOn = true;
                sendFollowing(fetch, following);
            }
        } finally {
            lock.unlock();
        }
        return page;
    }

    /** Cancels the prefetch in flight, if any; later reads prefetch nothing. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            replaceSlot(null);
            replaceGuess(null);
        } finally {
            lock.unlock();
        }
    }

    Counts counts() {
        return new Counts(sent.sum(), sentOnArrival.sum(), guessed.sum(), answered.sum(), used.sum(), dropped.sum());
    }

    /** Whether a prefetch (answered or not, guessed or not) waits for its read, for tests. */
    boolean holdsPrefetch() {
        lock.lock();
        try {
            return slot != null || guess != null;
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked") // a read equals only reads of its own kind: the slot's types are K and R
    private <K, R> Fetch<K, R> takeSlotIfFor(K read) {
        if (slot == null || !slot.read.equals(read)) {
            return null;
        }
        Fetch<K, R> taken = (Fetch<K, R>) slot;
        slot = null;
        return taken;
    }

    private void replaceSlot(Fetch<?, ?> prefetch) {
        if (slot != null) {
            slot.answer.cancel(true); // does nothing to an answered one; ends the call of one in flight
        }
        slot = prefetch;
    }

    private void replaceGuess(Fetch<?, ?> prefetch) {
        if (guess != null) {
            guess.answer.cancel(true);
        }
        guess = prefetch;
    }

    private void dropGuess() {
        lock.lock();
        try {
            replaceGuess(null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts the read of the page after {@code fetch}'s, {@code following}, in the slot: the guess, if it
     * guessed right, else a new prefetch. Then guesses the read after that one and sends it. Returns how
     * many calls it started. Under the lock.
     */
    private <K, R> int sendFollowing(Fetch<K, R> fetch, K following) {
        int calls = 0;
        if (guess != null && guess.read.equals(following)) {
            Fetch<?, ?> guessedRight = guess;
            guess = null;
            replaceSlot(guessedRight);
        } else {
            replaceSlot(send(fetch.pages, following));
            calls++;
        }
        K after = fetch.pages.guessAfter(fetch.read, following);
        replaceGuess(after == null ? null : send(fetch.pages, after));
        if (after != null) {
            guessed.increment();
            calls++;
        }
        return calls;
    }

    /** Sends the read of the next page if {@code fetch}'s answer is in, full, has a next, and is claimed. Under the lock. */
    private <K, R> void leadOn(Fetch<K, R> fetch) {
        if (fetch.leadsOn && fetch.claimed && fetch.arrived && !fetch.ledOn && fetch.following != null && !closed) {
            fetch.ledOn = true;
            sentOnArrival.add(sendFollowing(fetch, fetch.following));
        }
    }

    /** {@code fetch}'s answer is in (not yet decoded) and looks like {@code outline}. */
    private <K, R> void arrived(Fetch<K, R> fetch, Outline outline) {
        lock.lock();
        try {
            fetch.arrived = true;
            if (outline.events() >= fetch.pages.limit().applyAsInt(fetch.read) && outline.next() >= 0) {
                fetch.following = fetch.pages.from().apply(fetch.read, outline.next());
            }
            leadOn(fetch);
        } finally {
            lock.unlock();
        }
    }

    /** The prefetched page if it can stand for a read made now; else null, and the read is made again. */
    private <K, Q, R> R pageOf(Pages<K, Q, R> pages, K read, Fetch<K, R> prefetch, Deadline callDeadline) {
        R page;
        try {
            page = prefetch.answer.get(callDeadline.timeRemaining(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            prefetch.answer.cancel(true);
            Thread.currentThread().interrupt();
            // What an interrupted blocking call throws (it cancels its call with the same status).
            throw errors.fromThrowable(Status.CANCELLED.withDescription("Thread interrupted").withCause(e).asRuntimeException(),
                    deadline);
        } catch (ExecutionException | CancellationException | TimeoutException e) {
            // Failed, cancelled by close(), or not answered within the caller's deadline: the blocking call
            // gives the caller the error it would have had without read-ahead (past the deadline, at once).
            prefetch.answer.cancel(true);
            dropped.increment();
            return null;
        }
        if (!pages.full(read, page)) {
            // Possibly cut at the head of the log when it was read: a read now may find more.
            dropped.increment();
            return null;
        }
        used.increment();
        return page;
    }

    private <K, Q, R> R call(Fetch<K, R> fetch, Deadline callDeadline) {
        Pages<K, Q, R> pages = pagesOf(fetch);
        MethodDescriptor<Q, R> method = fetch.leadsOn ? outlined(pages.method().get(), fetch) : pages.method().get();
        try {
            return ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadline(callDeadline),
                    pages.request().apply(fetch.read));
        } catch (RuntimeException e) {
            throw errors.fromThrowable(e, deadline);
        }
    }

    /** Starts the call of {@code read}, with the deadline and descriptor of a blocking read. Under the lock. */
    private <K, Q, R> Fetch<K, R> send(Pages<K, Q, R> pages, K read) {
        Fetch<K, R> prefetch = new Fetch<>(pages, read, true);
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                .withExecutor(answers);
        prefetch.answer = ClientCalls.futureUnaryCall(channel.newCall(outlined(pages.method().get(), prefetch), options),
                pages.request().apply(read));
        sent.increment();
        prefetch.answer.addListener(answered::increment, Runnable::run);
        return prefetch;
    }

    @SuppressWarnings("unchecked") // a Fetch is made with the Pages of its own K, Q and R
    private static <K, Q, R> Pages<K, Q, R> pagesOf(Fetch<K, R> fetch) {
        return (Pages<K, Q, R>) fetch.pages;
    }

    /** {@code method}, telling {@code fetch}'s outline as the answer is in, before decoding it. */
    private <K, Q, R> MethodDescriptor<Q, R> outlined(MethodDescriptor<Q, R> method, Fetch<K, R> fetch) {
        MethodDescriptor.Marshaller<R> decoding = method.getResponseMarshaller();
        MethodDescriptor.Marshaller<R> outlining = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(R value) {
                return decoding.stream(value);
            }

            @Override
            public R parse(InputStream stream) {
                byte[] bytes;
                try {
                    bytes = MessageBytes.read(stream);
                } catch (IOException e) {
                    throw new UncheckedIOException("an answer that could not be read: " + e.getMessage(), e);
                }
                Outline outline = outline(bytes, fetch.pages.eventsField(), fetch.pages.nextField());
                if (outline != null) {
                    arrived(fetch, outline);
                }
                return decoding.parse(MessageBytes.stream(bytes)); // read again without a copy
            }
        };
        return method.toBuilder(method.getRequestMarshaller(), outlining).build();
    }

    /**
     * How many {@code eventsField} fields {@code answer} has and its {@code nextField} (-1 when absent),
     * skimming its top-level fields without decoding them; null if it does not parse (decoding it will
     * then say so).
     */
    static Outline outline(byte[] answer, int eventsField, int nextField) {
        CodedInputStream in = CodedInputStream.newInstance(answer);
        int events = 0;
        long next = -1;
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                int field = WireFormat.getTagFieldNumber(tag);
                int type = WireFormat.getTagWireType(tag);
                if (field == nextField && type == WireFormat.WIRETYPE_VARINT) {
                    next = in.readUInt64();
                    continue;
                }
                if (field == eventsField && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    events++;
                }
                if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return new Outline(events, next);
    }
}
