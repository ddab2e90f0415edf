package io.strata.server.grpc;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.Subscription;
import io.strata.protocol.EncodedMessage;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.ReadWire;
import io.strata.protocol.RecordedEventEncoder;
import io.strata.protocol.SubscriptionWire;
import io.strata.protocol.SubscriptionWire.Outgoing;
import io.strata.server.EncodedEvents;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.AppendResult;
import io.strata.protocol.v1.AppendStreamResponse;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.InfoRequest;
import io.strata.protocol.v1.InfoResponse;
import io.strata.protocol.v1.ReadAllRequest;
import io.strata.protocol.v1.ReadStreamRequest;
import io.strata.protocol.v1.SubscribeToAllRequest;
import io.strata.protocol.v1.SubscribeToStreamRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

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
    /**
     * Shared by every subscription of this server: a new event is turned into protobuf bytes once (by an
     * encoder of its own: this runs on any subscription's thread).
     */
    private final EncodedEvents<byte[]> encodedEvents = new EncodedEvents<>(event -> new RecordedEventEncoder().encode(event));

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

    private void serveReadStream(ReadStreamRequest request, StreamObserver<EncodedMessage> observer) {
        unary(observer, () -> pages.readStream(request));
    }

    private void serveReadAll(ReadAllRequest request, StreamObserver<EncodedMessage> observer) {
        unary(observer, () -> pages.readAll(request));
    }

    @Override
    public void info(InfoRequest request, StreamObserver<InfoResponse> observer) {
        // The request bound lets a client keep oversized appends off a shared AppendStream (see the proto).
        unary(observer, () -> ProtoMapping.toProto(store.info()).toBuilder()
                .setMaxRequestBytes(limits.maxMessageBytes()).build());
    }

    /**
     * The service as the server runs it: the generated binding, with the two subscribe methods sending
     * events encoded once for every subscriber ({@link SubscriptionWire}) and the two reads answering pages
     * they encoded themselves ({@link PageReader}); the same bytes on the wire.
     */
    ServerServiceDefinition definition() {
        ServerServiceDefinition generated = bindService();
        List<ServerMethodDefinition<?, ?>> replacing = List.of(
                ServerMethodDefinition.create(SubscriptionWire.serving(EventStoreGrpc.getSubscribeToStreamMethod()),
                        ServerCalls.asyncServerStreamingCall(this::serveSubscribeToStream)),
                ServerMethodDefinition.create(SubscriptionWire.serving(EventStoreGrpc.getSubscribeToAllMethod()),
                        ServerCalls.asyncServerStreamingCall(this::serveSubscribeToAll)),
                ServerMethodDefinition.create(ReadWire.serving(EventStoreGrpc.getReadStreamMethod()),
                        ServerCalls.asyncUnaryCall(this::serveReadStream)),
                ServerMethodDefinition.create(ReadWire.serving(EventStoreGrpc.getReadAllMethod()),
                        ServerCalls.asyncUnaryCall(this::serveReadAll)));
        Set<String> replaced = replacing.stream()
                .map(method -> method.getMethodDescriptor().getFullMethodName())
                .collect(Collectors.toSet());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>(replacing);
        generated.getMethods().stream()
                .filter(method -> !replaced.contains(method.getMethodDescriptor().getFullMethodName()))
                .forEach(methods::add);
        ServiceDescriptor generatedDescriptor = generated.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(generatedDescriptor.getName())
                .setSchemaDescriptor(generatedDescriptor.getSchemaDescriptor());
        methods.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(definition::addMethod);
        return definition.build();
    }

    private void serveSubscribeToStream(SubscribeToStreamRequest request, StreamObserver<Outgoing> observer) {
        subscribe(observer, listener -> store.subscribeToStream(request.getStream(), ProtoMapping.from(request.getFrom()), listener));
    }

    private void serveSubscribeToAll(SubscribeToAllRequest request, StreamObserver<Outgoing> observer) {
        subscribe(observer, listener -> {
            EventFilter filter = request.hasFilter() ? ProtoMapping.fromProto(request.getFilter()) : EventFilter.ALL;
            return store.subscribeToAll(ProtoMapping.from(request.getFrom()), filter, listener);
        });
    }

    private void subscribe(StreamObserver<Outgoing> observer, Function<SubscriptionCall, Subscription> subscriber) {
        SubscriptionCall call = new SubscriptionCall((ServerCallStreamObserver<Outgoing>) observer, executor,
                encodedEvents, limits.subscriberBufferEvents(), limits.subscriberStallTimeout(), calls::remove);
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
