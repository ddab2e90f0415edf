package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store whose segments are in another format version is refused whole, with both versions named. */
class SegmentFormatVersionTest {
    @TempDir
    Path directory;

    @Test
    void aSegmentOfTheEarlierFormatIsRefusedAndLeftAsItWas() throws Exception {
        try (EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(directory).build())) {
            store.append("order-1", ExpectedRevision.NO_STREAM,
                    List.of(EventData.json("Placed", "{}".getBytes(StandardCharsets.UTF_8))));
        }
        Path segment;
        try (var files = Files.list(directory.resolve("log"))) {
            segment = files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, Segment.HEADER_BYTES);
        assertThat(header.getInt(8)).as("this build's format version").isEqualTo(4);
        header.putInt(8, 3);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, Segment.HEADER_BYTES - 4);
        header.putInt(Segment.HEADER_BYTES - 4, (int) crc.getValue());
        Files.write(segment, bytes);

        assertThatThrownBy(() -> EmbeddedEventStore.open(StoreConfig.builder(directory).build()).close())
                .hasMessageContaining("format version 3")
                .hasMessageContaining("reads version 4");
        assertThat(Files.readAllBytes(segment)).as("the refused segment, untouched").isEqualTo(bytes);
    }
}
