package io.strata.client;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.ReadAllRequest;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamRequest;
import io.strata.protocol.v1.ReadStreamResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A gRPC hop in front of a real Strata server that passes on its {@code ReadAll} and {@code ReadStream}
 * calls (and nothing else), so a test sees every read that reached the server, in order, and can fail or
 * hold chosen ones, as a network or a slow server would. Calls are numbered from 1 in the order they came.
 */
final class ReadCallProxy implements AutoCloseable {
    private final ManagedChannel backend;
    private final Server server;
    private final List<Object> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger cancelledWhileHeld = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Function<Integer, Status> faults = call -> null;
    private volatile IntPredicate held = call -> false;
    private volatile Predicate<Object> heldRequests = request -> false;
    private volatile Function<Object, Status> requestFaults = request -> null;

    ReadCallProxy(String backendAddress) {
        this.backend = NettyChannelBuilder.forTarget(backendAddress).usePlaintext().build();
        EventStoreGrpc.EventStoreBlockingStub stub = EventStoreGrpc.newBlockingStub(backend);
        EventStoreGrpc.EventStoreImplBase service = new EventStoreGrpc.EventStoreImplBase() {
            @Override
            public void readAll(ReadAllRequest request, StreamObserver<ReadAllResponse> observer) {
                pass(request, () -> stub.readAll(request), observer);
            }

            @Override
            public void readStream(ReadStreamRequest request, StreamObserver<ReadStreamResponse> observer) {
                pass(request, () -> stub.readStream(request), observer);
            }
        };
        try {
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        } catch (IOException e) {
            backend.shutdownNow();
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    /** The requests that reached the proxy, in order. */
    List<Object> requests() {
        return List.copyOf(requests);
    }

    /** Fails call number n with {@code faults.apply(n)} when that is not null, instead of passing it on. */
    void fail(Function<Integer, Status> faults) {
        this.faults = faults;
    }

    /** Holds the calls {@code held} picks until {@link #release()} (or until the caller cancels them). */
    void hold(IntPredicate held) {
        this.held = held;
    }

    /** Holds the calls of the requests {@code held} picks, as {@link #hold(IntPredicate)} does. */
    void holdRequests(Predicate<Object> held) {
        this.heldRequests = held;
    }

    /** Fails the calls of the requests {@code faults} gives a status for, as {@link #fail} does. */
    void failRequests(Function<Object, Status> faults) {
        this.requestFaults = faults;
    }

    void release() {
        released.countDown();
    }

    /** How many held calls the client cancelled while the proxy held them. */
    int cancelledWhileHeld() {
        return cancelledWhileHeld.get();
    }

    private <R> void pass(Object request, Supplier<R> backendCall, StreamObserver<R> observer) {
        int call = calls.incrementAndGet();
        requests.add(request);
        if (held.test(call) || heldRequests.test(request)) {
            try {
                while (!released.await(10, TimeUnit.MILLISECONDS)) {
                    if (Context.current().isCancelled()) {
                        cancelledWhileHeld.incrementAndGet();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Status fault = faults.apply(call);
        if (fault == null) {
            fault = requestFaults.apply(request);
        }
        try {
            if (fault != null) {
                observer.onError(fault.asRuntimeException());
                return;
            }
            R answer;
            try {
                answer = backendCall.get();
            } catch (StatusRuntimeException e) {
                observer.onError(Status.fromThrowable(e).asRuntimeException(Status.trailersFromThrowable(e)));
                return;
            }
            observer.onNext(answer);
            observer.onCompleted();
        } catch (StatusRuntimeException e) {
            // the client went away meanwhile
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.shutdownNow();
        backend.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
            backend.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
