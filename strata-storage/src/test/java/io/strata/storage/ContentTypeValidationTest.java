package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's check of content types: 1 to 255 printable ASCII characters, not all blank. */
class ContentTypeValidationTest {
    @TempDir
    Path dir;

    private static EventData typed(String contentType) {
        return EventData.builder("A").data(new byte[] {1}).contentType(contentType).build();
    }

    @Test
    void rejectsContentTypesOutsidePrintableAsciiAndWritesNothing() {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(dir).build())) {
            for (String bad : List.of("", "   ", "text/plain\n", "text/é", "x".repeat(256), "a\u007f")) {
                assertThatThrownBy(() -> store.append("s-1", ExpectedRevision.ANY, List.of(typed("text/plain"), typed(bad))))
                        .as("'%s'", bad)
                        .isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining("content type must be 1 to 255 printable ASCII characters");
            }
            assertThat(store.info().events()).isZero();

            store.append("s-1", ExpectedRevision.ANY, List.of(typed("x".repeat(255)), typed("text/plain; charset=utf-8")));
            assertThat(store.info().events()).isEqualTo(2);
        }
    }
}
