package io.strata.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
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
     * Helidon's message when the header block is over {@code Http1Config.maxHeadersSize}
     * ({@code Http1HeadersParser}, Helidon 4.5). Helidon answers that with 400, and it is the only
     * thing that tells it from a malformed header: {@code HttpLayerErrorsTest} fails if an upgrade changes it.
     */
    static final String HELIDON_HEADERS_TOO_LARGE = "Header size exceeded";
    /** Helidon's placeholder for a message it does not trust to show the client. */
    private static final String HELIDON_UNSAFE_MESSAGE = "Bad request, see server log for more information";
    private static final int MAX_ECHOED_MESSAGE = 200;
    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");

    /**
     * Answers what Helidon rejects before any route runs (a malformed or oversized request line or header
     * block, a bad chunk, ...) with the same JSON error body, and closes the connection.
     *
     * <ul>
     *   <li>request line over {@code maxHeaderBytes}: 414 URI Too Long (Helidon's own status)</li>
     *   <li>header block over {@code maxHeaderBytes}: 431 Request Header Fields Too Large (RFC 6585)
     *       where Helidon says 400 — recognised by Helidon's message, which reaches a direct handler
     *       only when the listener's {@code ErrorHandling.includeEntity} is on; without it, 400</li>
     *   <li>body over {@code maxRequestBytes}: 413</li>
     *   <li>anything else malformed: 400 {@code invalid_request}</li>
     * </ul>
     * All three "too large" answers have code {@code too_large} and the limit in {@code limit}, as 413
     * has in spec/http-api.md; 414 and 431 are not in that table, whose only size status is 413.
     */
    static DirectHandler directHandler(ServerConfig config) {
        return (request, eventType, status, headers, message) -> {
            Answer answer = directAnswer(config, status.code(), message);
            Status answerStatus = answer.status() == status.code() ? status
                    : answer.status() == 431 ? HEADERS_TOO_LARGE : Status.create(answer.status());
            headers.set(HeaderNames.CONTENT_TYPE, "application/json");
            return DirectHandler.TransportResponse.builder()
                    .status(answerStatus)
                    .headers(headers)
                    .entity(WireJson.bytes(answer.body()))
                    .keepAlive(false)
                    .build();
        };
    }

    /** The answer to a request Helidon rejected with {@code status} and {@code message} (null when it gave none). */
    static Answer directAnswer(ServerConfig config, int status, String message) {
        ObjectNode error;
        if (status == 413) {
            error = error("too_large", "the request is over the limit of " + config.maxRequestBytes() + " bytes");
            error.put("limit", config.maxRequestBytes());
        } else if (status == 414) {
            error = error("too_large", "the request line is over the limit of " + config.maxHeaderBytes() + " bytes");
            error.put("limit", config.maxHeaderBytes());
        } else if (status == 431 || (status == 400 && HELIDON_HEADERS_TOO_LARGE.equals(message))) {
            status = 431;
            error = error("too_large", "the request's headers are over the limit of " + config.maxHeaderBytes() + " bytes");
            error.put("limit", config.maxHeaderBytes());
        } else if (status >= 500) {
            LOG.log(Level.WARNING, "request rejected by the HTTP layer: " + status + ": " + message);
            error = error(status == 505 ? "invalid_request" : "internal", "the server failed to process the request");
        } else {
            error = error("invalid_request", "malformed HTTP request" + echoed(message));
        }
        return wrap(status, error);
    }

    /** Helidon's reason, when it gave one worth showing: its first line, shortened (some end in a hex dump). */
    private static String echoed(String message) {
        if (message == null || message.isBlank() || message.equals(HELIDON_UNSAFE_MESSAGE)) {
            return "";
        }
        String line = message.lines().findFirst().orElse("").strip();
        if (line.endsWith(":")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.length() > MAX_ECHOED_MESSAGE) {
            line = line.substring(0, MAX_ECHOED_MESSAGE) + "...";
        }
        return line.isEmpty() ? "" : ": " + line;
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
