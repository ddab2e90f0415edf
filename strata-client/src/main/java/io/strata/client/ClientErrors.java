package io.strata.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.strata.core.ErrorCode;
import io.strata.core.InvalidRequestException;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.core.TooLargeException;
import io.strata.protocol.ProtoErrors;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the way a gRPC call ended into the exception a caller sees: the engine's own exception when the
 * server put one in the {@code strata-error-bin} trailer, else one of the {@link ServerConnectionException}s
 * naming the server's address.
 *
 * <p>Design note: gRPC reports both "nothing listens there" and "the server went away mid-call" as
 * {@code UNAVAILABLE}. What tells them apart is the cause the transport attached: a failed connect is a
 * {@link ConnectException} (netty's {@code AnnotatedConnectException} and {@code ConnectTimeoutException}
 * both extend it), kept on the status even when a later call fails fast while the channel waits to
 * reconnect. A broken or closed connection carries an {@code IOException} or no cause at all.
 *
 * <p>This class is thread-safe (it holds no state but its settings).
 */
final class ClientErrors {
    private static final Pattern MESSAGE_SIZE = Pattern.compile("exceeds maximum(?: size)?:? (\\d+)\\D+(\\d+)");

    private final String address;
    private volatile boolean clientClosed;

    ClientErrors(String address) {
        this.address = address;
    }

    /** From now on, calls that the closing channel fails report {@link #closed()}. */
    void clientClosed() {
        clientClosed = true;
    }

    /** The server's address as the client was given it. */
    String address() {
        return address;
    }

    /** What a call that ended with {@code status} (not OK) and {@code trailers} failed with. */
    StrataException fromStatus(Status status, Metadata trailers, Duration deadline) {
        if (trailers != null && trailers.containsKey(ProtoErrors.ERROR_KEY)) {
            return ProtoErrors.fromProto(trailers.get(ProtoErrors.ERROR_KEY));
        }
        Throwable cause = status.asRuntimeException(trailers);
        if (clientClosed && (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.CANCELLED)) {
            return closed();
        }
        String description = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        return switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> new DeadlineExceededException(address, deadline, cause);
            case UNAVAILABLE -> unavailable(status, description, cause);
            case CANCELLED -> hasCause(status, InterruptedException.class)
                    ? new StoreUnavailableException("interrupted while waiting for the Strata server at " + address, cause)
                    : new StoreUnavailableException("the call to the Strata server at " + address + " was cancelled: "
                            + description, cause);
            case RESOURCE_EXHAUSTED -> resourceExhausted(description, cause);
            case INVALID_ARGUMENT -> new InvalidRequestException(description);
            case UNIMPLEMENTED -> new ServerUnavailableException(address,
                    "it does not serve this call of the Strata gRPC API (" + description + ")", cause);
            default -> new StrataException(ErrorCode.UNAVAILABLE, "the Strata server at " + address
                    + " failed the call: " + status.getCode() + ": " + description, cause);
        };
    }

    /** The same for a throwable that came out of a gRPC stub (a {@code StatusRuntimeException}, usually). */
    StrataException fromThrowable(Throwable failure, Duration deadline) {
        if (failure instanceof StrataException strata) {
            return strata;
        }
        return fromStatus(Status.fromThrowable(failure), Status.trailersFromThrowable(failure), deadline);
    }

    /** What calls made after {@link StrataClient#close()} fail with: the same as a closed embedded store. */
    StoreUnavailableException closed() {
        return new StoreUnavailableException("the client of the Strata server at " + address + " is closed");
    }

    private StrataException unavailable(Status status, String description, Throwable cause) {
        ConnectException connect = causeOf(status, ConnectException.class);
        if (connect != null) {
            return new ConnectionRefusedException(address, connectReason(connect), cause);
        }
        if (hasCause(status, UnknownHostException.class) || hasCause(status, UnresolvedAddressException.class)) {
            return new ConnectionRefusedException(address, "unknown host", cause);
        }
        return new ServerUnavailableException(address, description, cause);
    }

    private static String connectReason(ConnectException connect) {
        String message = String.valueOf(connect.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("refused")) {
            return "connection refused";
        }
        if (message.contains("timed out")) {
            return "connection timed out";
        }
        return connect.getMessage();
    }

    private StrataException resourceExhausted(String description, Throwable cause) {
        Matcher size = MESSAGE_SIZE.matcher(description);
        if (size.find()) {
            return new TooLargeException("gRPC message size", Long.parseLong(size.group(1)), Long.parseLong(size.group(2)));
        }
        return new StrataException(ErrorCode.OVERLOADED, "the Strata server at " + address + " is overloaded: "
                + description, cause);
    }

    private static boolean hasCause(Status status, Class<? extends Throwable> type) {
        return causeOf(status, type) != null;
    }

    private static <T extends Throwable> T causeOf(Status status, Class<T> type) {
        Throwable t = status.getCause();
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
