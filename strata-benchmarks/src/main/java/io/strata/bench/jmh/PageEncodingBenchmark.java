package io.strata.bench.jmh;

import com.google.protobuf.CodedOutputStream;
import io.strata.bench.Payloads;
import io.strata.core.EventData;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.protocol.ProtoMapping;
import io.strata.protocol.ReadWire;
import io.strata.protocol.RecordedEventEncoder;
import io.strata.protocol.v1.ReadAllResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A server's work on one {@code ReadAll} page of W4 (1,000 events of 256 bytes, 1,000 per stream): from
 * the engine's events to the answer's bytes, through the generated classes (what {@code PageReader} did
 * until the ninth session: {@code toProto}, its size, the response builder, its serialisation) and through
 * {@link RecordedEventEncoder} and {@link ReadWire#allPage}, which write the same bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PageEncodingBenchmark {
    private static final int PAGE = 1_000;

    private List<RecordedEvent> page;

    @Setup
    public void setUp() {
        page = new ArrayList<>(PAGE);
        Instant recorded = Instant.parse("2026-11-28T16:00:00.123456Z");
        for (int n = 0; n < PAGE; n++) {
            EventData data = EventData.json("BenchEvent", Payloads.data(n, 0)); // as W4 writes them;
            page.add(new RecordedEvent(UUID.randomUUID(), "w4-" + (n / 1_000), data.type(), n % 1_000,
                    Position.of(5_000_000L + n), recorded.plusNanos(n * 1_000L), data.validTime(), data.contentType(),
                    data.data(), data.metadata()));
        }
    }

    @Benchmark
    public byte[] generatedMessages(Blackhole pageBytes) {
        ReadAllResponse.Builder response = ReadAllResponse.newBuilder();
        long bytes = 0;
        for (RecordedEvent event : page) {
            io.strata.protocol.v1.RecordedEvent proto = ProtoMapping.toProto(event);
            bytes += 1 + CodedOutputStream.computeMessageSizeNoTag(proto); // the page's byte bound
            response.addEvents(proto);
        }
        pageBytes.consume(bytes);
        return response.setNext(5_000_000L + PAGE).build().toByteArray();
    }

    @Benchmark
    public byte[] encoder() {
        RecordedEventEncoder encoder = new RecordedEventEncoder();
        List<byte[]> events = new ArrayList<>(PAGE);
        for (RecordedEvent event : page) {
            events.add(encoder.encode(event));
        }
        return ReadWire.allPage(events, OptionalLong.of(5_000_000L + PAGE)).bytes();
    }
}
