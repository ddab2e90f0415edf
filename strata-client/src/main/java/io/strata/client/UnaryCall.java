package io.strata.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One asynchronous unary call whose answer completes a {@link CompletableFuture}: no thread waits for
 * it. The future completes on the thread that runs the call's callbacks (the event loop; so it should be
 * a {@link ClientFuture}).
 *
 * <p>Design note: this is {@code ClientCalls.futureUnaryCall} without Guava's future and without the
 * adapter between the two; the response is mapped to the core type before the future completes, so a
 * malformed answer fails the future instead of a caller's {@code thenApply}.
 */
final class UnaryCall<Q, R, T> extends ClientCall.Listener<R> {
    private final CompletableFuture<T> future;
    private final Function<R, T> mapper;
    private final ClientErrors errors;
    private final Duration deadline;
    private R response;

    private UnaryCall(CompletableFuture<T> future, Function<R, T> mapper, ClientErrors errors, Duration deadline) {
        this.future = future;
        this.mapper = mapper;
        this.errors = errors;
        this.deadline = deadline;
    }

    /** Starts the call; {@code future} completes with {@code mapper} applied to the response, or fails mapped. */
    static <Q, R, T> CompletableFuture<T> start(Channel channel, MethodDescriptor<Q, R> method, CallOptions options,
                                                Q request, Function<R, T> mapper, ClientErrors errors,
                                                Duration deadline, CompletableFuture<T> future) {
        UnaryCall<Q, R, T> listener = new UnaryCall<>(future, mapper, errors, deadline);
        ClientCall<Q, R> call = channel.newCall(method, options);
        try {
            call.start(listener, new Metadata());
            call.request(2); // one answer, plus one to notice a server that sends two
            call.sendMessage(request);
            call.halfClose();
        } catch (RuntimeException | Error e) {
            call.cancel("the client failed to send the request", e);
            listener.future.completeExceptionally(errors.fromThrowable(e, deadline));
        }
        return listener.future;
    }

    @Override
    public void onMessage(R message) {
        response = message;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        if (!status.isOk()) {
            future.completeExceptionally(errors.fromStatus(status, trailers, deadline));
            return;
        }
        if (response == null) {
            future.completeExceptionally(errors.fromStatus(Status.INTERNAL.withDescription("the server ended the call without an answer"),
                    trailers, deadline));
            return;
        }
        T mapped;
        try {
            mapped = mapper.apply(response);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return;
        }
        future.complete(mapped);
    }
}
