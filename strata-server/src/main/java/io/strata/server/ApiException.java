package io.strata.server;

import java.util.Map;

/**
 * A failure the HTTP layer itself detects (bad parameters, unknown paths, wrong methods, bodies) that
 * has no {@link io.strata.core.ErrorCode}: carries its HTTP status and wire code directly.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;

    ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = Map.copyOf(details);
    }

    static ApiException invalid(String message) {
        return new ApiException(400, "invalid_request", message, Map.of());
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, Map.of());
    }

    static ApiException methodNotAllowed(String method, String path) {
        return new ApiException(405, "method_not_allowed", method + " is not allowed on " + path, Map.of());
    }

    static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(415, "unsupported_media_type",
                "content type '" + contentType + "' is not supported here; send application/json, "
                        + "application/cloudevents+json or application/cloudevents-batch+json", Map.of());
    }

    static ApiException bodyTooLarge(long limit) {
        return new ApiException(413, "too_large", "the request body is over the limit of " + limit + " bytes",
                Map.of("limit", limit));
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Map<String, Object> details() {
        return details;
    }
}
