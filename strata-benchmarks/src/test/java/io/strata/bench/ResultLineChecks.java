package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the driver's tests check on a run's output: its one result line, a number in it, the files it left. */
final class ResultLineChecks {
    private ResultLineChecks() {
    }

    /** The one result line, parsed; the progress is in the message when there is not exactly one. */
    static Map<String, Object> onlyLine(List<String> lines, List<String> progress) {
        assertThat(lines).as("result lines; progress:\n%s", String.join("\n", progress)).hasSize(1);
        return FlatJson.parse(lines.get(0));
    }

    static double number(Map<String, Object> line, String field) {
        assertThat(line).containsKey(field);
        return (Double) line.get(field);
    }

    /** What is left in {@code folder}: a run deletes what it wrote there. */
    static List<Path> leftIn(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
