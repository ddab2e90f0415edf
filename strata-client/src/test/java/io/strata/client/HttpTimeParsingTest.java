package io.strata.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written reader of the server's UTC times agrees with the JDK's parser, and declines the rest. */
class HttpTimeParsingTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-27T22:31:47Z", "2026-11-27T22:31:47.1Z", "2026-11-27T22:31:47.123456Z",
            "2026-11-27T22:31:47.123456789Z", "2024-02-29T00:00:00.000Z", "1970-01-01T00:00:00Z",
            "2026-12-31T23:59:59.999999999Z"})
    void readsTheServersFormAsTheJdkDoes(String text) {
        assertThat(HttpEventJson.utcTime(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-27T22:31:47+01:00", "2026-11-27T22:31:47.Z", "2026-11-27 22:31:47Z",
            "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T22:60:00Z",
            "2026-1a-27T22:31:47Z", "2026-11-27T22:31:47.1234567890Z", "2026-11-27T22:31Z"})
    void declinesAnythingElseSoTheGeneralParserDecides(String text) {
        Instant read = HttpEventJson.utcTime(text);

        assertThat(read).isNull();
    }
}
