package io.strata.cli;

import io.strata.client.Json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class VerifyCommandTest {
    @TempDir
    Path dir;

    private final CliRunner strata = CliRunner.embedded();

    private void appendSome(int events) {
        for (int i = 0; i < events; i++) {
            CliRunner.Result result = strata.run("append", "order-" + (i % 3), "--type", "OrderPlaced",
                    "--data", "{\"n\":" + i + ",\"note\":\"some text to give records a body\"}", "--db", dir.toString());
            assertThat(result.exitCode()).as(result.toString()).isZero();
        }
    }

    @Test
    void verifyOfAnIntactStoreExitsZeroWithASummary() {
        appendSome(10);

        CliRunner.Result human = strata.run("verify", "--db", dir.toString());
        CliRunner.Result json = strata.run("verify", "--json", "--db", dir.toString());

        assertThat(human.exitCode()).as(human.toString()).isZero();
        assertThat(human.out()).startsWith("intact: 10 records in 1 segment");
        JsonNode report = Json.MAPPER.readTree(json.out());
        assertThat(report.get("intact").asBoolean()).isTrue();
        assertThat(report.get("records").asLong()).isEqualTo(10);
    }

    @Test
    void verifyAfterAByteFlipsInTheMiddleOfASegmentNamesTheBadRecord() throws IOException {
        appendSome(10);
        Path segment = onlySegment();
        flipByteInTheMiddleOfTheRecords(segment);

        CliRunner.Result result = strata.run("verify", "--db", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).startsWith("corrupted: ").containsPattern("position \\d+").containsPattern("offset \\d+");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void verifyOfAFolderWithoutAStoreSaysNotFound() {
        CliRunner.Result result = strata.run("verify", "--db", dir.resolve("none").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("not_found: no store at");
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            List<Path> segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
            assertThat(segments).hasSize(1);
            return segments.getFirst();
        }
    }

    /** Flips one bit half-way through the written records (segments may be preallocated with zeros). */
    private static void flipByteInTheMiddleOfTheRecords(Path segment) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            long written = file.length();
            while (written > 0) {
                file.seek(written - 1);
                if (file.read() != 0) {
                    break;
                }
                written--;
            }
            assertThat(written).as("bytes written to " + segment).isPositive();
            long middle = written / 2;
            file.seek(middle);
            int original = file.read();
            file.seek(middle);
            file.write(original ^ 0x01);
        }
    }
}
