package io.strata.protocol;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.strata.core.CorruptedDataException;
import io.strata.core.DiskFullException;
import io.strata.core.ErrorCode;
import io.strata.core.ExpectedRevision;
import io.strata.core.IdempotencyConflictException;
import io.strata.core.InvalidRequestException;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.core.StreamNotFoundException;
import io.strata.core.TooLargeException;
import io.strata.core.WrongExpectedRevisionException;
import io.strata.protocol.v1.Error;
import io.strata.protocol.v1.IdempotencyConflict;
import io.strata.protocol.v1.StreamNotFound;
import io.strata.protocol.v1.TooLarge;
import io.strata.protocol.v1.WrongExpectedRevision;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Errors over gRPC, both ways: an engine exception becomes a gRPC status plus an {@link Error} message
 * (code and facts) in the {@value #ERROR_TRAILER} trailer, and that trailer becomes the same exception
 * again on the client. The status table is drawn in {@code event_store.proto}.
 */
public final class ProtoErrors {
    public static final String ERROR_TRAILER = "strata-error-bin";
    public static final Metadata.Key<Error> ERROR_KEY =
            Metadata.Key.of(ERROR_TRAILER, ProtoUtils.metadataMarshaller(Error.getDefaultInstance()));

    private ProtoErrors() {
    }

    /** The gRPC status for an engine error code. */
    public static Status.Code statusCode(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, TOO_LARGE -> Status.Code.INVALID_ARGUMENT;
            case STREAM_NOT_FOUND, NOT_FOUND -> Status.Code.NOT_FOUND;
            case WRONG_EXPECTED_REVISION, STREAM_DELETED -> Status.Code.FAILED_PRECONDITION;
            case IDEMPOTENCY_CONFLICT, GROUP_EXISTS -> Status.Code.ALREADY_EXISTS;
            case OVERLOADED, DISK_FULL -> Status.Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case CORRUPTED -> Status.Code.DATA_LOSS;
        };
    }

    /** The status a failed call ends with, the {@link Error} riding in its trailers. */
    public static StatusRuntimeException toStatus(StrataException error) {
        Metadata trailers = new Metadata();
        trailers.put(ERROR_KEY, toProto(error));
        return Status.fromCode(statusCode(error.code())).withDescription(error.getMessage()).asRuntimeException(trailers);
    }

    public static Error toProto(StrataException error) {
        Error.Builder proto = Error.newBuilder()
                .setCode(error.code().wireName())
                .setMessage(error.getMessage() == null ? error.code().wireName() : error.getMessage());
        switch (error) {
            case WrongExpectedRevisionException wrong -> {
                WrongExpectedRevision.Builder detail = WrongExpectedRevision.newBuilder()
                        .setStream(wrong.stream())
                        .setExpected(wrong.expected().toString());
                wrong.actual().ifPresent(detail::setActual);
                proto.setWrongExpectedRevision(detail);
            }
            case StreamNotFoundException notFound -> proto.setStreamNotFound(StreamNotFound.newBuilder().setStream(notFound.stream()));
            case TooLargeException tooLarge -> proto.setTooLarge(TooLarge.newBuilder()
                    .setWhat(tooLarge.what()).setLimit(tooLarge.limit()).setActual(tooLarge.actual()));
            case IdempotencyConflictException conflict -> proto.setIdempotencyConflict(IdempotencyConflict.newBuilder()
                    .setStream(conflict.stream()).setDetail(conflict.getMessage()));
            default -> {
            }
        }
        return proto.build();
    }

    /** The engine exception an {@link Error} stands for, with the server's message and facts. */
    public static StrataException fromProto(Error error) {
        ErrorCode code = errorCode(error.getCode()).orElse(ErrorCode.UNAVAILABLE);
        String message = error.getMessage();
        return switch (error.getDetailCase()) {
            case WRONG_EXPECTED_REVISION -> {
                WrongExpectedRevision detail = error.getWrongExpectedRevision();
                yield new WrongExpectedRevisionException(detail.getStream(), ExpectedRevision.parse(detail.getExpected()),
                        detail.hasActual() ? OptionalLong.of(detail.getActual()) : OptionalLong.empty());
            }
            case STREAM_NOT_FOUND -> new StreamNotFoundException(error.getStreamNotFound().getStream());
            case TOO_LARGE -> new TooLargeException(error.getTooLarge().getWhat(), error.getTooLarge().getLimit(),
                    error.getTooLarge().getActual());
            case IDEMPOTENCY_CONFLICT -> new IdempotencyConflictException(error.getIdempotencyConflict().getStream(),
                    error.getIdempotencyConflict().getDetail());
            case DETAIL_NOT_SET -> switch (code) {
                case INVALID_REQUEST -> new InvalidRequestException(message);
                case DISK_FULL -> new DiskFullException(message, null);
                case CORRUPTED -> new CorruptedDataException(message);
                case UNAVAILABLE -> new StoreUnavailableException(message);
                default -> new StrataException(code, message);
            };
        };
    }

    /**
     * The engine exception a failed call carries in its trailers, if the server put one there; calls
     * that failed before reaching Strata's code (transport, deadline) have none.
     */
    public static Optional<StrataException> fromStatus(StatusRuntimeException failure) {
        Metadata trailers = failure.getTrailers();
        if (trailers == null || !trailers.containsKey(ERROR_KEY)) {
            return Optional.empty();
        }
        return Optional.of(fromProto(trailers.get(ERROR_KEY)));
    }

    /**
     * A message refused by the receiving transport for its size, as {@code too_large}: grpc-java checks
     * its maximum inbound message size before any of Strata's code runs, and ends the call with
     * {@code RESOURCE_EXHAUSTED} and the description {@code "gRPC message exceeds maximum size L: N"}, no
     * trailer. This holds both ways: a request over the server's limit (the HTTP body limit, 16 MiB by
     * default), and an answer over the client's ({@code maxInboundMessageSize}, 4 MiB by default).
     * Empty for any other failure.
     */
    public static Optional<TooLargeException> messageTooLarge(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        String description = status.getDescription();
        if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED || description == null) {
            return Optional.empty();
        }
        java.util.regex.Matcher sizes = MESSAGE_TOO_LARGE.matcher(description);
        if (!sizes.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TooLargeException("a gRPC message", Long.parseLong(sizes.group(1)), Long.parseLong(sizes.group(2))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static final java.util.regex.Pattern MESSAGE_TOO_LARGE =
            java.util.regex.Pattern.compile("gRPC message exceeds maximum size (\\d+): (\\d+)");

    private static Optional<ErrorCode> errorCode(String wireName) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wireName().equals(wireName)) {
                return Optional.of(code);
            }
        }
        return Optional.empty();
    }
}
