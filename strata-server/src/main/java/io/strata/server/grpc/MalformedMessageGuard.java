package io.strata.server.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.strata.core.InvalidRequestException;
import io.strata.protocol.ProtoErrors;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.util.Set;

/**
 * Makes a client's malformed message an {@code INVALID_ARGUMENT} / {@code invalid_request}, as the proto's
 * error table says, instead of what grpc-java answers by itself: {@code UNKNOWN} ("Application error
 * processing RPC") for bytes that do not parse (e.g. a string that is not UTF-8), and {@code INTERNAL} for
 * a unary call with two requests or none.
 *
 * <p>Design note: grpc-java parses a request before any interceptor sees it, and turns a parse failure
 * into {@code UNKNOWN}. So the service is served with its requests as input streams (the wire
 * messages stay unparsed bytes up to here) and this guard wraps the listener that parses them:
 * the parse failure surfaces in {@code onMessage}, where it can be answered. Each message is still parsed
 * once.
 */
final class MalformedMessageGuard implements ServerInterceptor {
    /** What grpc-java's unary handler closes a call with when the client sent two requests or none. */
    private static final Set<String> UNARY_MISUSE = Set.of("Too many requests", "Half-closed without a request");

    private MalformedMessageGuard() {
    }

    /** {@code service}, served so that malformed requests are answered {@code INVALID_ARGUMENT}. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service, BUFFERED_REQUESTS, AS_THEY_ARE),
                new MalformedMessageGuard());
    }

    /**
     * Requests stay bytes up to the guard, as {@link ServerInterceptors#useInputStreamMessages} keeps them (a
     * stream without mark support is buffered).
     */
    private static final MethodDescriptor.Marshaller<InputStream> BUFFERED_REQUESTS = new Streams(true);

    /**
     * Answers go to the transport as their own marshaller streamed them. {@code useInputStreamMessages}
     * wrapped each in a {@link BufferedInputStream}, which hid that it can be drained straight into the
     * transport's buffers ({@link io.grpc.Drainable}): every answer was copied once more through the buffer
     * (in W6 over gRPC, {@code BufferedInputStream.read1} was 9 % of the sending threads' CPU-time samples).
     */
    private static final MethodDescriptor.Marshaller<InputStream> AS_THEY_ARE = new Streams(false);

    /** Messages as the input streams they are; those without mark support buffered when {@code buffered}. */
    private record Streams(boolean buffered) implements MethodDescriptor.Marshaller<InputStream> {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return buffered && !stream.markSupported() ? new BufferedInputStream(stream) : stream;
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        GuardedCall<Q, R> guarded = new GuardedCall<>(call);
        return new GuardedListener<>(next.startCall(guarded, headers), guarded);
    }

    private static StatusRuntimeException invalid(String message) {
        return ProtoErrors.toStatus(new InvalidRequestException(message));
    }

    /**
     * Closes once, and drops messages sent after that (the service may still be answering a call this guard
     * ended); a unary-misuse INTERNAL from grpc-java becomes INVALID_ARGUMENT.
     */
    private static final class GuardedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private volatile boolean closed;

        GuardedCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (closed) {
                return;
            }
            closed = true;
            if (status.getCode() == Status.Code.INTERNAL && UNARY_MISUSE.contains(status.getDescription())) {
                StatusRuntimeException invalid = invalid("a unary call takes exactly one request message: " + status.getDescription());
                super.close(invalid.getStatus(), invalid.getTrailers());
                return;
            }
            super.close(status, trailers);
        }

        boolean isClosed() {
            return closed;
        }
    }

    /** Answers a message that does not parse, and keeps the service from hearing more of that call. */
    private static final class GuardedListener<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final GuardedCall<Q, R> call;

        GuardedListener(ServerCall.Listener<Q> delegate, GuardedCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (call.isClosed()) {
                return;
            }
            try {
                super.onMessage(message);
            } catch (StatusRuntimeException e) {
                if (!(e.getCause() instanceof InvalidProtocolBufferException malformed)) {
                    throw e;
                }
                StatusRuntimeException invalid = invalid("the request message is malformed: " + malformed.getMessage());
                call.close(invalid.getStatus(), invalid.getTrailers());
            }
        }

        @Override
        public void onHalfClose() {
            if (!call.isClosed()) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!call.isClosed()) {
                super.onReady();
            }
        }
    }
}
