package io.strata.bench.jmh;

import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-threaded append throughput through the public API, durability {@code none}: the engine's
 * CPU cost per event (encoding, checksum, hash chain, index, queue hand-off) without the disk's
 * fsync. Scores are <em>events</em> per second; 256-byte JSON events, a new stream every 1,000
 * appends. Each iteration gets a fresh store (in {@code -Dstrata.bench.dir}, default the temp
 * folder) so the log does not grow across the run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
@Threads(1)
public class AppendBenchmark {
    private static final int APPENDS_PER_STREAM = 1_000;

    private Path folder;
    private EventStore store;
    private List<EventData> one;
    private List<EventData> hundred;
    private long appends;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        Path parent = Path.of(System.getProperty("strata.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        folder = Files.createTempDirectory(parent, "jmh-append-");
        store = EmbeddedEventStore.open(StoreConfig.builder(folder.resolve("store")).durability(Durability.NONE).build());
        one = List.of(event(0));
        List<EventData> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(event(i));
        }
        hundred = List.copyOf(batch);
        appends = 0;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        try {
            store.close();
        } finally {
            deleteRecursively(folder);
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Benchmark
    public Object appendBatchOf1() {
        return store.append(nextStream(), ExpectedRevision.ANY, one);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public Object appendBatchOf100() {
        return store.append(nextStream(), ExpectedRevision.ANY, hundred);
    }

    private String nextStream() {
        return "jmh-" + (appends++ / APPENDS_PER_STREAM);
    }

    /** A 256-byte JSON document, like the workloads' events. */
    static EventData event(int n) {
        String head = "{\"n\":" + n + ",\"pad\":\"";
        String json = head + "x".repeat(256 - head.length() - 2) + "\"}";
        return EventData.json("BenchEvent", json.getBytes(StandardCharsets.US_ASCII));
    }
}
