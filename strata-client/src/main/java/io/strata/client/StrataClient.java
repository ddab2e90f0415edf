package io.strata.client;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.strata.core.AllSlice;
import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StoreInfo;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StreamSlice;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.protocol.DecodedEventCache;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.ReadWire;
import io.strata.protocol.SubscriptionWire;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.InfoRequest;
import io.strata.protocol.v1.ReadAllRequest;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamRequest;
import io.strata.protocol.v1.ReadStreamResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * An {@link EventStore} that is a Strata server, spoken to over gRPC ({@code strata.v1.EventStore}).
 * It passes the same contract suite as the embedded engine: same semantics, same exceptions. What only
 * a remote store can do wrong comes as a {@link ServerConnectionException} naming the server:
 * {@link ConnectionRefusedException}, {@link DeadlineExceededException}, {@link ServerUnavailableException}.
 *
 * <pre>{@code
 * try (StrataClient store = StrataClient.connect("127.0.0.1:7701")) {
 *     store.append("order-1", ExpectedRevision.NO_STREAM, List.of(EventData.json("OrderPlaced", data)));
 * }
 * }</pre>
 *
 * <p>One client holds one gRPC channel (one HTTP/2 connection, reconnected when it breaks) and is meant
 * to be shared by the whole process: the appends of all its threads share a few append streams.
 * {@link #appendAsync} is asynchronous all the way: no thread waits for the answer. For one thread's
 * stream of appends faster than one round trip each, {@code appendAsync} pipelines too; a
 * {@link #publisher} also bounds how many are in flight.
 *
 * <p>This class is thread-safe.
 */
public final class StrataClient implements EventStore {
    private final String address;
    private final ManagedChannel channel;
    private final ClientErrors errors;
    private final Duration deadline;
    private final int defaultMaxInFlight;
    private final Executor subscriptionExecutor;
    private final Executor callbacks;
    private final ScheduledExecutorService timer;
    private final AppendStreams appends;
    private final ReadAhead reads;
    private final Set<RemoteSubscription<?>> subscriptions = ConcurrentHashMap.newKeySet();
    /** Subscriptions that receive the same event decode it once between them. */
    private final DecodedEventCache decodedEvents = new DecodedEventCache();
    private final Set<Publisher> publishers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private StrataClient(Builder builder) {
        this.address = builder.address;
        this.errors = new ClientErrors(address);
        this.deadline = builder.deadline;
        this.defaultMaxInFlight = builder.maxInFlight;
        this.subscriptionExecutor = command -> Thread.ofVirtual().name("strata-client-subscription").start(command);
        this.callbacks = builder.callbackExecutor != null ? builder.callbackExecutor
                : command -> Thread.ofVirtual().name("strata-client-callback").start(command);
        this.timer = newTimer();
        NettyChannelBuilder channelBuilder = NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .maxInboundMessageSize(builder.maxInboundMessageBytes)
                .keepAliveTime(builder.keepAliveTime.toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(builder.keepAliveTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .userAgent("strata-client")
                // No retry policy is configured, and a call that reached the server is never retried
                // anyway: without this each call is wrapped for transparent retry (RetriableStream).
                .disableRetry()
                // Call callbacks run on the event loop: ours only map the answer and complete a
                // ClientFuture, which hands the caller's own code to the callback executor. Blocking
                // calls and subscriptions bring their own executors.
                .directExecutor();
        this.channel = channelBuilder.build();
        this.appends = new AppendStreams(channel, builder.appendStreams, errors, deadline, timer);
        this.reads = new ReadAhead(channel, errors, deadline,
                command -> Thread.ofVirtual().name("strata-client-read-ahead").start(command));
    }

    /** A client of the server at {@code address} ({@code host:port}) with default settings; connects on first use. */
    public static StrataClient connect(String address) {
        return builder(address).build();
    }

    /** Settings for a client of the server at {@code address} ({@code host:port}). */
    public static Builder builder(String address) {
        return new Builder(address);
    }

    /** The server's address, as given. */
    public String address() {
        return address;
    }

    // ---- appends

    /**
     * {@inheritDoc}
     *
     * <p>One message on an {@code AppendStream} call that the client's appends share (appends over
     * 1 MiB go as a unary {@code Append} call); no thread waits for it. The future's dependent actions
     * run on the {@linkplain Builder#callbackExecutor callback executor}. An append the store rejects
     * fails only its own future; a broken connection fails the appends waiting on it, and the next append
     * opens a new stream.
     */
    @Override
    public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedRevision expected, List<EventData> events) {
        if (closed.get()) {
            return ClientFuture.failed(callbacks, errors.closed());
        }
        return appends.append(stream, expected, events, new ClientFuture<>(callbacks));
    }

    /**
     * {@inheritDoc}
     *
     * <p>As {@link #appendAsync}, waiting on the calling thread; the answer wakes it straight from the
     * event loop, with no hand-over to another thread.
     */
    // Design note: every append, blocking or not, is a message on a few shared AppendStream calls
    // (AppendStreams), no longer a unary call each. Measured (2026-11-28, this 2-core machine shared with
    // other builds; server in the same JVM, durability fsync; W2 shape: 64 platform threads each appending
    // one 256-byte event with an exact expected revision; 20 s warm-up, then CPU time of the whole process
    // per append over 10 s; variants interleaved, six rounds at load average 4-14): unary calls 53.1,
    // 52.4, 54.8, 43.1, 48.1, 48.4 µs; shared streams 51.4, 42.5, 41.6, 51.8, 48.2, 46.9 µs; the embedded
    // engine alone 20-34 µs. Appends per second moved with the load, 17-40 K for both. So, warm, the call
    // costs little more than the message (the ~110 µs measured before included JIT warm-up); the stream
    // is kept for what it adds: one thread's appends are applied in the order made, an append over the
    // server's bound fails before it is sent, and concurrent appends do not queue behind the 1,000 calls
    // a connection may carry. Batching the appends queued at one moment into one message (an
    // AppendBatchStream call sent from the event loop, ~5 appends per message) measured the same for W2
    // (47.5, 48.4, 40.0 µs) and cost more for W3 (5.75-6.12 µs per event against 4.20-5.04), so it was
    // not kept.
    @Override
    public AppendResult append(String stream, ExpectedRevision expected, List<EventData> events) {
        ensureOpen();
        CompletableFuture<AppendResult> answer = appends.append(stream, expected, events, new CompletableFuture<>());
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw errors.fromThrowable(e.getCause(), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the Strata server at " + address, e);
        }
    }

    /**
     * A publisher of pipelined appends on a stream of its own, with at most {@code maxInFlight} appends
     * unanswered at a time. Close it (or the client) when done.
     */
    public Publisher publisher(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new InvalidRequestException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        ensureOpen();
        Publisher publisher = new Publisher(channel.newCall(EventStoreGrpc.getAppendStreamMethod(), CallOptions.DEFAULT),
                maxInFlight, errors, deadline, timer, callbacks, publishers::remove);
        publishers.add(publisher);
        if (closed.get()) {
            publisher.close();
        }
        return publisher;
    }

    /** A publisher with the builder's {@link Builder#maxInFlight}. */
    public Publisher publisher() {
        return publisher(defaultMaxInFlight);
    }

    // ---- reads

    /** A stream read as a value: the key of a prefetched {@code ReadStream} page. */
    private record StreamRead(String stream, ReadStreamOptions options) {
    }

    private static final ReadAhead.Pages<ReadAllOptions, ReadAllRequest, AllSlice> ALL_PAGES = new ReadAhead.Pages<>(
            () -> ReadWire.readAllOneCall(EventStoreGrpc.getReadAllMethod()), ProtoMapping::toProto, ReadAllOptions::limit,
            slice -> slice.events().size(),
            slice -> slice.next().map(next -> OptionalLong.of(next.value())).orElse(OptionalLong.empty()),
            ReadAllOptions::from, ReadAllResponse.EVENTS_FIELD_NUMBER, ReadAllResponse.NEXT_FIELD_NUMBER,
            ReadAllOptions::from);

    private static final ReadAhead.Pages<StreamRead, ReadStreamRequest, StreamSlice> STREAM_PAGES = new ReadAhead.Pages<>(
            () -> ReadWire.readStreamOneCall(EventStoreGrpc.getReadStreamMethod()),
            read -> ProtoMapping.toProto(read.stream(), read.options()), read -> read.options().limit(),
            slice -> slice.events().size(), StreamSlice::next,
            (read, next) -> new StreamRead(read.stream(), read.options().from(next)),
            ReadStreamResponse.EVENTS_FIELD_NUMBER, ReadStreamResponse.NEXT_FIELD_NUMBER, read -> read.options().from());

    /**
     * {@inheritDoc}
     *
     * <p>One unary {@code ReadStream} call. A reader that pages through a stream (each read from the last
     * page's {@code next}, same options) has, from its third page on, the next page asked for as soon as
     * this one arrives, and the page after it too (its {@code from} guessed: a stream's revisions have no
     * gaps); a page read ahead is used only if full and exactly the read asked for, and then holds exactly
     * what a read made now would, except that its {@code lastRevision} is the stream's as of when it was
     * read. See {@link ReadAhead} for the rules.
     */
    @Override
    public StreamSlice readStream(String stream, ReadStreamOptions options) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(options, "options");
        ensureOpen();
        return reads.read(STREAM_PAGES, new StreamRead(stream, options));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One unary {@code ReadAll} call. A catch-up reader that pages through {@code $all} (each read from
     * the last page's {@code next}, same options) has, from its third page on, the next page asked for as
     * soon as this one arrives, so the server's scan of it and its transfer overlap the decoding of this
     * page and the reader's work on it. When the pages skip no position (no filter, no {@code asOf}), the
     * page after the next is asked for too, from a guessed {@code from}. A page read ahead is used only
     * if full and exactly the read asked for, and then holds exactly what a read made now would. See
     * {@link ReadAhead} for the rules.
     */
    @Override
    public AllSlice readAll(ReadAllOptions options) {
        Objects.requireNonNull(options, "options");
        ensureOpen();
        return reads.read(ALL_PAGES, options);
    }

    @Override
    public StoreInfo info() {
        return blocking(EventStoreGrpc.getInfoMethod(), InfoRequest.getDefaultInstance(), ProtoMapping::fromProto);
    }

    // ---- subscriptions

    /**
     * {@inheritDoc}
     *
     * <p>Returns once the server has taken the subscription, so that an append made after it returns
     * is delivered even from {@link ReadStreamOptions#END}; a request the server refuses (an invalid
     * stream name) throws here, as from the embedded engine.
     */
    @Override
    public Subscription subscribeToStream(String stream, long fromRevision, SubscriptionListener listener) {
        Objects.requireNonNull(listener, "listener");
        return subscribe(EventStoreGrpc.getSubscribeToStreamMethod(),
                ProtoMapping.subscribeToStreamRequest(stream, fromRevision), listener);
    }

    /** {@inheritDoc} Returns once the server has taken the subscription, like {@link #subscribeToStream}. */
    @Override
    public Subscription subscribeToAll(long fromPosition, EventFilter filter, SubscriptionListener listener) {
        Objects.requireNonNull(listener, "listener");
        return subscribe(EventStoreGrpc.getSubscribeToAllMethod(),
                ProtoMapping.subscribeToAllRequest(fromPosition, filter), listener);
    }

    private <Q> Subscription subscribe(MethodDescriptor<Q, io.strata.protocol.v1.SubscriptionMessage> method, Q request,
                                       SubscriptionListener listener) {
        ensureOpen();
        // Listener calls run on virtual threads (gRPC keeps them in order per call), never on the event
        // loop: a listener may block, or call this client, without stalling other calls.
        CallOptions options = CallOptions.DEFAULT.withExecutor(subscriptionExecutor);
        return RemoteSubscription.open(channel, SubscriptionWire.receivingOneCall(method, decodedEvents), options,
                request, listener, errors, deadline, subscriptions::add, subscriptions::remove);
    }

    // ---- closing

    /**
     * Ends every subscription (their listeners get {@code onError}, as from a closed store), closes
     * every publisher (waiting for its answers, up to the deadline), then shuts the channel down, waiting
     * up to 5 s for calls in progress. Calls after close fail with {@code StoreUnavailableException}.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        errors.clientClosed();
        for (RemoteSubscription<?> subscription : subscriptions) {
            subscription.endBecauseClientClosed();
        }
        appends.close();
        reads.close(); // a prefetch in flight would hold up the channel's shutdown below
        for (Publisher publisher : publishers) {
            publisher.close();
        }
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
                channel.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
        }
    }

    /** How the appends of this client travelled so far (for tests). */
    AppendStreams.Counts appendCounts() {
        return appends.counts();
    }

    /** The client's read pages (for tests). */
    ReadAhead readAhead() {
        return reads;
    }

    @Override
    public String toString() {
        return "StrataClient[" + address + (closed.get() ? ", closed" : "") + "]";
    }

    // ---- helpers

    private CallOptions callOptions() {
        return CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private <Q, R, T> T blocking(MethodDescriptor<Q, R> method, Q request, Function<R, T> mapper) {
        ensureOpen();
        R response;
        try {
            response = ClientCalls.blockingUnaryCall(channel, method, callOptions(), request);
        } catch (RuntimeException e) {
            throw errors.fromThrowable(e, deadline);
        }
        return mapper.apply(response);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw errors.closed();
        }
    }

    private static ScheduledExecutorService newTimer() {
        ThreadFactory daemon = Thread.ofPlatform().name("strata-client-timer").daemon().factory();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon);
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * Settings of a {@link StrataClient}; only the server's address is required.
     *
     * <p>This class is not thread-safe.
     */
    public static final class Builder {
        /**
         * The server's default request bound (16 MiB) plus 64 KiB. The server cuts read pages and
         * subscription messages at 4 MiB but always sends at least one event, and one event can be as
         * large as the largest append request that carried it: 16 MiB, plus its stream name, type and
         * ids (under 2 KiB) and the response's own fields.
         */
        public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = (16 << 20) + (64 << 10);
        /** AppendStream calls that the client's appends share (see {@link #appendStreams}). */
        public static final int DEFAULT_APPEND_STREAMS = 2;

        private final String address;
        private Duration deadline = Duration.ofSeconds(30);
        private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
        private Duration keepAliveTime = Duration.ofSeconds(30);
        private Duration keepAliveTimeout = Duration.ofSeconds(10);
        private int maxInFlight = 1024;
        private int appendStreams = DEFAULT_APPEND_STREAMS;
        private Executor callbackExecutor;

        private Builder(String address) {
            this.address = validAddress(address);
        }

        /**
         * How long a call may take, from sending to the whole answer (default 30 s); past it the call
         * fails with {@link DeadlineExceededException}. Also bounds waiting for a subscription to start,
         * for a publisher's permit and for a publisher's answers.
         */
        public Builder deadline(Duration deadline) {
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("deadline must be positive, got " + deadline);
            }
            this.deadline = deadline;
            return this;
        }

        /**
         * The largest message the client accepts from the server: a read page or a subscription message
         * (default {@value #DEFAULT_MAX_INBOUND_MESSAGE_BYTES}). Raise it with the server's request bound.
         */
        public Builder maxInboundMessageBytes(int bytes) {
            if (bytes < 1 << 20) {
                throw new IllegalArgumentException("maxInboundMessageBytes must be at least 1 MiB, got " + bytes);
            }
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /**
         * How long the connection may be silent before the client pings the server to check it is
         * there (default 30 s), and how long it waits for the answer (default 10 s) before taking the
         * connection as broken, which ends its subscriptions and publishers with
         * {@link ServerUnavailableException}. A Strata server permits pings every 10 s; a plain gRPC proxy
         * in between may permit only one every 5 minutes (it answers more with GOAWAY "too_many_pings").
         */
        public Builder keepAlive(Duration time, Duration timeout) {
            this.keepAliveTime = Objects.requireNonNull(time, "time");
            this.keepAliveTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How many {@code AppendStream} calls the client's appends share (default
         * {@value #DEFAULT_APPEND_STREAMS}); each caller thread always uses the same one.
         */
        public Builder appendStreams(int streams) {
            if (streams < 1) {
                throw new IllegalArgumentException("appendStreams must be at least 1, got " + streams);
            }
            this.appendStreams = streams;
            return this;
        }

        /** The in-flight bound of {@link StrataClient#publisher()} (default 1,024). */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * Where the dependent actions ({@code thenApply}, {@code whenComplete}, …) of the futures of
         * {@link StrataClient#appendAsync} and of publishers run. Default: a new virtual thread for each,
         * so they may block or call the client again. They never run on the network's event loop, except
         * those of futures combined by {@code CompletableFuture.allOf}/{@code anyOf} (see ClientFuture).
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public StrataClient build() {
            return new StrataClient(this);
        }

        private static String validAddress(String address) {
            Objects.requireNonNull(address, "address");
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1 || address.contains("/")) {
                throw new InvalidRequestException("a Strata server's gRPC address is host:port, such as 127.0.0.1:7701; got '"
                        + address + "'");
            }
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("the port of '" + address + "' is not a number from 1 to 65535");
            }
            return address;
        }
    }
}
