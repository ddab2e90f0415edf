package io.strata.server;

import static io.strata.server.HttpLimitsTest.assertTooLarge;
import static io.strata.server.HttpLimitsTest.errorOf;
import static io.strata.server.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.strata.server.RawHttp.Response;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@link Errors#directHandler} against what Helidon 4.5 really hands it, on a bare Helidon server set
 * up like {@link StrataServer}'s HTTP layer plus {@code ErrorHandling.includeEntity}, the option that
 * lets Helidon's reason reach a direct handler: oversized headers are 431, an oversized request line
 * 414, any other malformed header 400.
 */
class HttpLayerErrorsTest {
    private static final int HEADER_LIMIT = 4096;

    @TempDir
    Path dir;

    private WebServer web;

    @BeforeEach
    void start() {
        ServerConfig config = ServerConfig.builder(dir).maxHeaderBytes(HEADER_LIMIT).build();
        web = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .shutdownHook(false)
                .errorHandling(handling -> handling.includeEntity(true))
                .addProtocol(Http1Config.builder()
                        .maxPrologueLength(config.maxHeaderBytes())
                        .maxHeadersSize(config.maxHeaderBytes())
                        .build())
                .directHandlers(handlers -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        handlers.addHandler(type, Errors.directHandler(config));
                    }
                })
                .routing(routing -> routing.get("/health/live", (req, res) -> res.send("ok")))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        web.stop();
    }

    private Response exchange(byte[] request) throws IOException {
        return RawHttp.exchange(web.port(), request);
    }

    @Test
    void oneOversizedHeaderIs431TooLarge() throws IOException {
        Response answer = exchange(RawHttp.withOneBigHeader("/health/live", 8 * 1024));
        assertTooLarge(answer, 431, HEADER_LIMIT);
        assertThat(answer.head()).startsWith("HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(RawHttp.stillAnswers(web.port())).isTrue();
    }

    @Test
    void manyHeadersOverTheLimitTogetherAre431TooLarge() throws IOException {
        assertTooLarge(exchange(RawHttp.withManyHeaders("/health/live", 200)), 431, HEADER_LIMIT);
    }

    @Test
    void anOversizedRequestLineIs414TooLarge() throws IOException {
        assertTooLarge(exchange(ascii("GET /" + "s".repeat(4500) + " HTTP/1.1\r\nHost: x\r\n\r\n")), 414, HEADER_LIMIT);
    }

    @Test
    void aMalformedHeaderIs400WithHelidonsReasonButNotItsHexDump() throws IOException {
        Response answer = exchange(ascii("GET /health/live HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"));
        assertThat(answer.status()).as(answer.head()).isEqualTo(400);
        JsonNode error = errorOf(answer);
        assertThat(error.get("code").stringValue()).isEqualTo("invalid_request");
        assertThat(error.get("message").stringValue()).startsWith("malformed HTTP request").doesNotContain("\n");
    }

    @Test
    void withoutHelidonsReasonABadRequestStays400() {
        ServerConfig config = ServerConfig.builder(dir).maxHeaderBytes(HEADER_LIMIT).build();
        Errors.Answer answer = Errors.directAnswer(config, 400, null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().get("error").get("code").stringValue()).isEqualTo("invalid_request");
    }
}
