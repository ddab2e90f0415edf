package io.strata.bench;

/** The workloads over HTTP/JSON and SSE ({@code strata-http}, {@code HttpEventStore}). */
class HttpTargetTest extends ServerTargetContract {
    @Override
    String target() {
        return "strata-http";
    }

    @Override
    String protocol() {
        return "HTTP/1.1 JSON, SSE";
    }
}
