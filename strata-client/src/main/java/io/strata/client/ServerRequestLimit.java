package io.strata.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.InfoRequest;
import io.strata.protocol.v1.InfoResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's bound on one request message ({@code InfoResponse.max_request_bytes}), learned with one
 * asynchronous {@code Info} call when first needed and again after {@link #forget} (an append stream
 * ended: the server may have restarted with other settings). A failed lookup is not kept: the next
 * {@link #get} asks again.
 *
 * <p>This class is thread-safe.
 */
final class ServerRequestLimit {
    /** What {@link #get} gives when the server does not say (an older server): no bound is known. */
    static final long UNKNOWN = 0;

    private final Channel channel;
    private final ClientErrors errors;
    private final Duration deadline;
    private final AtomicReference<CompletableFuture<Long>> learned = new AtomicReference<>();

    ServerRequestLimit(Channel channel, ClientErrors errors, Duration deadline) {
        this.channel = channel;
        this.errors = errors;
        this.deadline = deadline;
    }

    /**
     * The bound in bytes, or {@link #UNKNOWN}; completed at once when already known, else on the event loop
     * when the server answers. Fails as the {@code Info} call failed (e.g. {@link ConnectionRefusedException}).
     */
    CompletableFuture<Long> get() {
        while (true) {
            CompletableFuture<Long> current = learned.get();
            if (current != null && !current.isCompletedExceptionally()) {
                return current;
            }
            CompletableFuture<Long> asking = new CompletableFuture<>();
            if (learned.compareAndSet(current, asking)) {
                CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
                return UnaryCall.start(channel, EventStoreGrpc.getInfoMethod(), options, InfoRequest.getDefaultInstance(),
                        InfoResponse::getMaxRequestBytes, errors, deadline, asking);
            }
        }
    }

    /** Asks the server again on the next {@link #get}. */
    void forget() {
        learned.set(null);
    }
}
