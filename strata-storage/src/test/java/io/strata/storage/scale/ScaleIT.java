package io.strata.storage.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded as the log grows: 10 million events in 1 million streams are appended and
 * read back by stream in a JVM limited to a 512 MiB heap, which then stops without closing the store;
 * a second such JVM recovers it and reads every event through {@code $all}. The reopen time is
 * printed (it is a benchmark figure, not asserted). {@code -Dstrata.scale.streams=N} scales it down.
 */
class ScaleIT {
    @TempDir
    Path directory;

    @Test
    void tenMillionEventsInAMillionStreamsFitInAHalfGigabyteHeap() throws Exception {
        int streams = Integer.getInteger("strata.scale.streams", 1_000_000);
        runChild("write", streams);
        assertThat(sizeOf(directory.resolve("store/log"))).as("log bytes").isGreaterThan(streams * 10L * 30);
        String reopened = runChild("reopen", streams);
        assertThat(reopened).contains("reopened in");
    }

    private String runChild(String phase, int streams) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path log = directory.resolve(phase + ".log");
        Process child = new ProcessBuilder(List.of(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ScaleCheck.class.getName(), phase, directory.resolve("store").toString(), Integer.toString(streams), "10"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = child.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(finished).as("the %s phase finished within 10 minutes", phase).isTrue();
        assertThat(child.exitValue()).as("exit code of %s; output:%n%s", phase, output).isZero();
        assertThat(output).contains("OK").doesNotContain("OutOfMemoryError");
        return output;
    }

    private static long sizeOf(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
