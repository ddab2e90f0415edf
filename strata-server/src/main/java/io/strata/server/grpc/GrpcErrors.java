package io.strata.server.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.strata.core.ErrorCode;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import io.strata.protocol.ProtoErrors;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Failures as gRPC statuses: an engine error becomes its status with the {@code Error} trailer
 * ({@link ProtoErrors#toStatus}); anything else is a bug of ours and becomes {@code INTERNAL} with a short
 * message, the stack trace going to the log only.
 */
final class GrpcErrors {
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class.getName());
    static final String INTERNAL_MESSAGE = "the server failed to process the request; see its log";

    private GrpcErrors() {
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StrataException strata) {
            if (strata.code() == ErrorCode.CORRUPTED || strata.code() == ErrorCode.DISK_FULL) {
                LOG.log(Level.WARNING, "gRPC call failed: " + strata.code().wireName(), strata);
            }
            return ProtoErrors.toStatus(strata);
        }
        LOG.log(Level.SEVERE, "unexpected failure while serving a gRPC call", cause);
        return Status.INTERNAL.withDescription(INTERNAL_MESSAGE).asRuntimeException();
    }

    /** What a call ends with when the server shuts down under it: {@code UNAVAILABLE}, to retry elsewhere. */
    static StatusRuntimeException shuttingDown() {
        return ProtoErrors.toStatus(new StoreUnavailableException("the server is shutting down"));
    }

    /** The failure a future completed with, without the wrapper {@code whenComplete} adds. */
    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
