package io.strata.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.strata.core.ErrorCode;
import io.strata.core.ExpectedRevision;
import io.strata.core.IdempotencyConflictException;
import io.strata.core.StrataException;
import io.strata.core.StreamNotFoundException;
import io.strata.core.TooLargeException;
import io.strata.core.WrongExpectedRevisionException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one mapping from failures to HTTP answers (spec/http-api.md, "Errors"): a status and a body
 * {@code {"error": {"code", "message", ...details}}}, never a stack trace.
 */
final class Errors {
    private static final Logger LOG = Logger.getLogger(Errors.class.getName());

    /** An error answer: status and body. */
    record Answer(int status, ObjectNode body) {
    }

    private Errors() {
    }

    /** The HTTP status of each engine error code. */
    static int statusOf(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST -> 400;
            case STREAM_NOT_FOUND, NOT_FOUND -> 404;
            case WRONG_EXPECTED_REVISION, IDEMPOTENCY_CONFLICT, GROUP_EXISTS -> 409;
            case STREAM_DELETED -> 410;
            case TOO_LARGE -> 413;
            case OVERLOADED -> 429;
            case UNAVAILABLE -> 503;
            case DISK_FULL -> 507;
            case CORRUPTED -> 500;
        };
    }

    /**
     * The answer for {@code failure}. {@code expectedAsSent} is the append's {@code expectedRevision}
     * as the client wrote it (for {@code wrong_expected_revision}), or null.
     */
    static Answer answer(Throwable failure, JsonNode expectedAsSent) {
        if (failure instanceof ApiException api) {
            ObjectNode error = error(api.code(), api.getMessage());
            for (Map.Entry<String, Object> detail : api.details().entrySet()) {
                error.putPOJO(detail.getKey(), detail.getValue());
            }
            return wrap(api.status(), error);
        }
        if (failure instanceof StrataException strata) {
            ObjectNode error = error(strata.code().wireName(), strata.getMessage());
            switch (strata) {
                case WrongExpectedRevisionException wrong -> {
                    error.put("stream", wrong.stream());
                    if (expectedAsSent != null) {
                        error.set("expected", expectedAsSent);
                    } else {
                        putExpected(error, wrong.expected());
                    }
                    if (wrong.actual().isPresent()) {
                        error.put("actual", wrong.actual().getAsLong());
                    } else {
                        error.put("actual", "no_stream");
                    }
                }
                case StreamNotFoundException notFound -> error.put("stream", notFound.stream());
                case IdempotencyConflictException conflict -> error.put("stream", conflict.stream());
                case TooLargeException tooLarge -> error.put("limit", tooLarge.limit());
                default -> {
                }
            }
            int status = statusOf(strata.code());
            if (status >= 500) {
                LOG.log(Level.WARNING, "request failed: " + strata.code().wireName(), strata);
            }
            return wrap(status, error);
        }
        LOG.log(Level.SEVERE, "unexpected failure while serving a request", failure);
        return wrap(500, error("internal", "the server failed to process the request; see its log"));
    }

    /**
     * Answers what Helidon rejects before any route runs (a malformed or oversized request line or header
     * block, a bad chunk, ...) with the same JSON error body, and closes the connection.
     */
    static DirectHandler directHandler(ServerConfig config) {
        return (request, eventType, status, headers, message) -> {
            int code = status.code();
            ObjectNode error;
            if (code == 413) {
                error = error("too_large", "the request is too large");
                error.put("limit", config.maxRequestBytes());
            } else if (code == 414 || code == 431) {
                error = error("too_large", "the request line or its headers are too large");
                error.put("limit", config.maxHeaderBytes());
            } else if (code >= 500) {
                LOG.log(Level.WARNING, "request rejected by the HTTP layer: " + status + ": " + message);
                error = error(code == 505 ? "invalid_request" : "internal", "the server failed to process the request");
            } else {
                error = error("invalid_request", "malformed HTTP request"
                        + (message == null || message.isBlank() ? "" : ": " + message));
            }
            headers.set(HeaderNames.CONTENT_TYPE, "application/json");
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .entity(WireJson.bytes(wrap(code, error).body()))
                    .keepAlive(false)
                    .build();
        };
    }

    private static void putExpected(ObjectNode error, ExpectedRevision expected) {
        if (expected instanceof ExpectedRevision.Exact exact) {
            error.put("expected", exact.revision());
        } else {
            error.put("expected", expected.toString());
        }
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode error = WireJson.object();
        error.put("code", code);
        error.put("message", message == null ? code : message);
        return error;
    }

    private static Answer wrap(int status, ObjectNode error) {
        ObjectNode body = WireJson.object();
        body.set("error", error);
        return new Answer(status, body);
    }
}
