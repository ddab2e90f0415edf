package io.strata.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.core.Subscription;
import io.strata.core.SubscriptionListener;
import io.strata.protocol.SubscriptionWire.Incoming;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A subscription served by the server as one server-streaming call. The listener is called from the
 * call's callbacks, which gRPC runs one at a time in order on the subscription executor (never on the
 * network's event loop, so a listener may block or call the store).
 *
 * <p>Flow control: the client asks for one message at a time and asks for the next only after the
 * listener has taken every event of the last one. A slow listener therefore holds the stream back:
 * at most the HTTP/2 flow-control window (1 MiB by default) waits in the client; the rest waits on the
 * server, which reads on when the client asks.
 *
 * <p>Ending: {@link #close()} cancels the call, and no listener call starts after it returns (it waits
 * up to 5 s for one in progress). The server ending the call, a broken connection or a listener that
 * throws end it with {@code onError}; so does closing the client, like closing an embedded store.
 *
 * <p>This class is thread-safe.
 */
final class RemoteSubscription<Q> implements Subscription {
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private enum State {
        ACTIVE,
        /** Ended, and the listener has heard all it will: closed by its owner, or ended with onError. */
        ENDED,
        /** Ended by closing the client: the listener still gets onError, once the call has ended. */
        CLIENT_CLOSED
    }

    private final ClientCall<Q, Incoming> call;
    private final SubscriptionListener listener;
    private final ClientErrors errors;
    private final Consumer<RemoteSubscription<?>> onEnd;
    /** Completes when the server has taken the subscription (its first message), fails if it refused it. */
    private final CompletableFuture<Void> accepted = new CompletableFuture<>();
    /** Held during every listener call; {@link #close()} takes it to wait for the call in progress. */
    private final ReentrantLock delivering = new ReentrantLock();
    private final AtomicReference<State> state = new AtomicReference<>(State.ACTIVE);
    private boolean caughtUp; // only touched by the call's callbacks, which never overlap

    private RemoteSubscription(ClientCall<Q, Incoming> call, SubscriptionListener listener,
                               ClientErrors errors, Consumer<RemoteSubscription<?>> onEnd) {
        this.call = call;
        this.listener = listener;
        this.errors = errors;
        this.onEnd = onEnd;
    }

    /**
     * Starts the call and returns once the server has taken it (so that an append made after this
     * returns is seen by a subscription from the end), or throws what the server refused it with.
     * {@code method} is a subscribe method as this one call receives it ({@code SubscriptionWire.receivingOneCall}).
     */
    static <Q> RemoteSubscription<Q> open(Channel channel, MethodDescriptor<Q, Incoming> method,
                                          CallOptions options, Q request, SubscriptionListener listener,
                                          ClientErrors errors, Duration startDeadline,
                                          Consumer<RemoteSubscription<?>> onStart,
                                          Consumer<RemoteSubscription<?>> onEnd) {
        RemoteSubscription<Q> subscription = new RemoteSubscription<>(
                channel.newCall(method, options), listener, errors, onEnd);
        onStart.accept(subscription);
        subscription.start(request);
        subscription.awaitAccepted(startDeadline);
        return subscription;
    }

    private void start(Q request) {
        call.start(new Listener(), new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
    }

    private void awaitAccepted(Duration deadline) {
        try {
            accepted.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw (StrataException) e.getCause();
        } catch (TimeoutException e) {
            end(State.ENDED, "the server did not take the subscription in time");
            throw new DeadlineExceededException(errors.address(), deadline, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(State.ENDED, "interrupted");
            throw new StoreUnavailableException("interrupted while subscribing at the Strata server at " + errors.address(), e);
        }
    }

    @Override
    public void close() {
        end(State.ENDED, "the subscription was closed");
        if (!delivering.isHeldByCurrentThread()) {
            try {
                if (delivering.tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    delivering.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the subscription because its client closes; the listener gets onError, as from a closed store. */
    void endBecauseClientClosed() {
        end(State.CLIENT_CLOSED, "the client was closed");
    }

    @Override
    public boolean isActive() {
        return state.get() == State.ACTIVE;
    }

    /** Ends an active subscription as {@code how}, cancelling its call; false when it had ended already. */
    private boolean end(State how, String why) {
        if (!state.compareAndSet(State.ACTIVE, how)) {
            return false;
        }
        call.cancel(why, null);
        onEnd.accept(this);
        return true;
    }

    /** Hands one message's events to the listener; false when the subscription ended on the way. */
    private boolean deliver(Incoming message) {
        delivering.lock();
        try {
            for (RecordedEvent event : message.events()) {
                if (!isActive()) {
                    return false;
                }
                listener.onEvent(event);
            }
            if (message.caughtUp() && !caughtUp && isActive()) {
                caughtUp = true;
                listener.onCaughtUp();
            }
            return isActive();
        } catch (Throwable listenerFailure) {
            if (end(State.ENDED, "the listener threw " + listenerFailure)) {
                listener.onError(listenerFailure);
            }
            return false;
        } finally {
            delivering.unlock();
        }
    }

    private void endWithError(Throwable error) {
        delivering.lock();
        try {
            listener.onError(error);
        } finally {
            delivering.unlock();
        }
    }

    /** The call's callbacks: gRPC runs them one at a time, in order, on the call's executor. */
    private final class Listener extends ClientCall.Listener<Incoming> {
        @Override
        public void onMessage(Incoming message) {
            accepted.complete(null);
            if (deliver(message)) {
                call.request(1);
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (!accepted.isDone()) {
                // Refused before it began (an invalid stream name, say): subscribe() throws, no listener call.
                accepted.completeExceptionally(state.get() == State.CLIENT_CLOSED ? errors.closed()
                        : status.isOk() ? new ServerUnavailableException(errors.address(), "the server ended the subscription at once", null)
                        : errors.fromStatus(status, trailers, Duration.ZERO));
                if (state.compareAndSet(State.ACTIVE, State.ENDED)) {
                    onEnd.accept(RemoteSubscription.this);
                }
                return;
            }
            if (state.compareAndSet(State.ACTIVE, State.ENDED)) {
                onEnd.accept(RemoteSubscription.this);
                endWithError(status.isOk()
                        ? new ServerUnavailableException(errors.address(), "the server ended the subscription", null)
                        : errors.fromStatus(status, trailers, Duration.ZERO));
            } else if (state.compareAndSet(State.CLIENT_CLOSED, State.ENDED)) {
                endWithError(errors.closed());
            }
            // Otherwise closed by its owner or ended by its listener: no more listener calls.
        }
    }
}
