package io.strata.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.Subscription;
import io.strata.protocol.ProtoMapping;
import io.strata.server.EncodedEvents;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.AppendResult;
import io.strata.protocol.v1.AppendStreamResponse;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.InfoRequest;
import io.strata.protocol.v1.InfoResponse;
import io.strata.protocol.v1.ReadAllRequest;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamRequest;
import io.strata.protocol.v1.ReadStreamResponse;
import io.strata.protocol.v1.SubscribeToAllRequest;
import io.strata.protocol.v1.SubscribeToStreamRequest;
import io.strata.protocol.v1.SubscriptionMessage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code strata.v1.EventStore} over one {@link EventStore}: the same engine calls as the HTTP API, with
 * the proto's messages and error table. Unary calls run on the endpoint's (virtual-thread) executor and
 * may block on a read; appends complete asynchronously.
 */
final class EventStoreService extends EventStoreGrpc.EventStoreImplBase {
    private final EventStore store;
    private final Executor executor;
    private final PageReader pages;
    private final OpenCalls calls;
    private final GrpcLimits limits;
    /** Shared by every subscription of this server: a new event is turned into protobuf once. */
    private final EncodedEvents<io.strata.protocol.v1.RecordedEvent> protos = new EncodedEvents<>(ProtoMapping::toProto);

    EventStoreService(EventStore store, Executor executor, PageReader pages, OpenCalls calls, GrpcLimits limits) {
        this.store = store;
        this.executor = executor;
        this.pages = pages;
        this.calls = calls;
        this.limits = limits;
    }

    @Override
    public void append(AppendRequest request, StreamObserver<AppendResult> observer) {
        try {
            store.appendAsync(request.getStream(), ProtoMapping.fromProto(request.getExpectedRevision()),
                            ProtoMapping.fromProto(request.getEventsList()))
                    // Completes on the writer thread: answer from ours, to keep group commit moving.
                    .whenCompleteAsync((result, error) -> {
                        if (error == null) {
                            observer.onNext(ProtoMapping.toProto(result));
                            observer.onCompleted();
                        } else {
                            observer.onError(GrpcErrors.toStatus(error));
                        }
                    }, executor);
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public StreamObserver<AppendRequest> appendStream(StreamObserver<AppendStreamResponse> observer) {
        AppendStreamCall call = new AppendStreamCall(store, (ServerCallStreamObserver<AppendStreamResponse>) observer,
                executor, limits, calls.appendStats(), calls::remove);
        calls.add(call);
        return call;
    }

    @Override
    public void readStream(ReadStreamRequest request, StreamObserver<ReadStreamResponse> observer) {
        unary(observer, () -> pages.readStream(request));
    }

    @Override
    public void readAll(ReadAllRequest request, StreamObserver<ReadAllResponse> observer) {
        unary(observer, () -> pages.readAll(request));
    }

    @Override
    public void info(InfoRequest request, StreamObserver<InfoResponse> observer) {
        // The request bound lets a client keep oversized appends off a shared AppendStream (see the proto).
        unary(observer, () -> ProtoMapping.toProto(store.info()).toBuilder()
                .setMaxRequestBytes(limits.maxMessageBytes()).build());
    }

    @Override
    public void subscribeToStream(SubscribeToStreamRequest request, StreamObserver<SubscriptionMessage> observer) {
        subscribe(observer, listener -> store.subscribeToStream(request.getStream(), ProtoMapping.from(request.getFrom()), listener));
    }

    @Override
    public void subscribeToAll(SubscribeToAllRequest request, StreamObserver<SubscriptionMessage> observer) {
        subscribe(observer, listener -> {
            EventFilter filter = request.hasFilter() ? ProtoMapping.fromProto(request.getFilter()) : EventFilter.ALL;
            return store.subscribeToAll(ProtoMapping.from(request.getFrom()), filter, listener);
        });
    }

    private void subscribe(StreamObserver<SubscriptionMessage> observer, Function<SubscriptionCall, Subscription> subscriber) {
        SubscriptionCall call = new SubscriptionCall((ServerCallStreamObserver<SubscriptionMessage>) observer, executor,
                protos, limits.subscriberBufferEvents(), limits.subscriberStallTimeout(), calls::remove);
        if (!calls.add(call)) {
            return; // the server is shutting down: add ended it
        }
        try {
            call.attach(subscriber.apply(call));
        } catch (RuntimeException e) {
            call.end(GrpcErrors.toStatus(e));
        }
    }

    private static <T> void unary(StreamObserver<T> observer, Supplier<T> answer) {
        T response;
        try {
            response = answer.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
