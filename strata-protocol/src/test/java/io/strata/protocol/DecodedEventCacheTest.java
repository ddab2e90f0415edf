package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.KnownLength;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.protocol.SubscriptionWire.Incoming;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.SubscriptionMessage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions of one client that share a {@link DecodedEventCache} decode the same bytes once, and
 * never take one event for another: what they are handed is always what their own bytes say.
 */
class DecodedEventCacheTest {
    private final DecodedEventCache cache = new DecodedEventCache();

    @Test
    void theSameMessageReceivedByTwoSubscriptionsIsOneSetOfEvents() {
        List<RecordedEvent> sent = smallEvents(new Random(1), 20);
        byte[] message = message(sent);

        List<RecordedEvent> first = subscription(cache).parse(stream(message)).events();
        List<RecordedEvent> second = subscription(cache).parse(stream(message)).events();

        assertThat(first).containsExactlyElementsOf(sent);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(second.get(i)).as("event %d", i).isSameAs(first.get(i));
        }
    }

    @Test
    void withoutACacheEachSubscriptionDecodesItsOwn() {
        byte[] message = message(smallEvents(new Random(2), 3));

        RecordedEvent first = subscription(null).parse(stream(message)).events().get(0);
        RecordedEvent second = subscription(null).parse(stream(message)).events().get(0);

        assertThat(second).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void anEventWithTheSameIdButOtherBytesIsDecodedFromItsOwnBytes() {
        RecordedEvent original = smallEvents(new Random(3), 1).get(0);
        RecordedEvent changed = new RecordedEvent(original.id(), original.stream(), original.type(),
                original.revision(), original.position(), original.recordedTime(), original.validTime(),
                original.contentType(), "{\"other\":1}".getBytes(), original.metadata());
        RecordedEvent moved = new RecordedEvent(original.id(), original.stream(), original.type(),
                original.revision() + 1, Position.of(original.position().value() + 1), original.recordedTime(),
                original.validTime(), original.contentType(), original.data(), original.metadata());

        subscription(cache).parse(stream(message(List.of(original))));
        RecordedEvent gotChanged = subscription(cache).parse(stream(message(List.of(changed)))).events().get(0);
        RecordedEvent gotMoved = subscription(cache).parse(stream(message(List.of(moved)))).events().get(0);

        assertThat(gotChanged).isEqualTo(changed);
        assertThat(gotMoved).isEqualTo(moved);
    }

    /** A message cut inside its last event fails as truncated, though the cache holds that event whole. */
    @Test
    void aTruncatedMessageFailsThoughTheCacheHasItsEvents() {
        byte[] whole = message(smallEvents(new Random(4), 2));
        DecodingMarshaller<Incoming> reader = subscription(cache);
        reader.parse(stream(whole)); // the cache now has both events, the kept array the whole message
        byte[] truncated = Arrays.copyOf(whole, whole.length - 10);

        assertThatThrownBy(() -> reader.parse(stream(truncated))).hasMessageContaining("does not parse");
    }

    /** An event whose length goes past the end of its message is refused as protobuf refuses it, not looked up. */
    @Test
    void anEventLongerThanItsMessageFailsToParse() {
        byte[] event = ProtoMapping.toProto(smallEvents(new Random(7), 1).get(0)).toByteArray();
        byte[] claimsMore = new byte[event.length + 3];
        claimsMore[0] = 0x0a; // field 1 (events), length-delimited
        int claimed = event.length + 50; // a two-byte varint: events here are 128 to 16,383 bytes
        claimsMore[1] = (byte) (claimed & 0x7F | 0x80);
        claimsMore[2] = (byte) (claimed >>> 7);
        System.arraycopy(event, 0, claimsMore, 3, event.length);

        assertThatThrownBy(() -> subscription(cache).parse(stream(claimsMore))).hasMessageContaining("does not parse");
    }

    @Test
    void largeEventsAreNotSharedButStillDecodeRight() {
        RecordedEvent small = smallEvents(new Random(5), 1).get(0);
        byte[] large = new byte[DecodedEventCache.MAX_CACHED_BYTES];
        new Random(5).nextBytes(large);
        RecordedEvent big = new RecordedEvent(small.id(), small.stream(), small.type(), small.revision(),
                small.position(), small.recordedTime(), small.validTime(), small.contentType(), large, new byte[0]);
        byte[] message = message(List.of(big));

        RecordedEvent first = subscription(cache).parse(stream(message)).events().get(0);
        RecordedEvent second = subscription(cache).parse(stream(message)).events().get(0);

        assertThat(second).isNotSameAs(first).isEqualTo(big);
    }

    @Test
    void subscriptionsOnManyThreadsGetTheirEventsRight() throws Exception {
        Random random = new Random(6);
        List<byte[]> messages = new ArrayList<>();
        List<List<RecordedEvent>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            List<RecordedEvent> events = smallEvents(random, 1 + random.nextInt(30));
            sent.add(events);
            messages.add(message(events));
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> checked = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Callable<Integer> subscriber = () -> {
                    DecodingMarshaller<Incoming> reader = subscription(cache);
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < messages.size(); i++) {
                            assertThat(reader.parse(stream(messages.get(i))).events()).containsExactlyElementsOf(sent.get(i));
                        }
                    }
                    return messages.size();
                };
                checked.add(threads.submit(subscriber));
            }
            for (Future<Integer> each : checked) {
                assertThat(each.get()).isEqualTo(messages.size());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Of two subscriptions that missed the same bytes and decoded them, the second to keep takes the first's event. */
    @Test
    void theSecondToKeepTheSameBytesTakesTheFirstsEvent() throws Exception {
        RecordedEvent sent = smallEvents(new Random(9), 1).get(0);
        byte[] bytes = ProtoMapping.toProto(sent).toByteArray();
        RecordedEvent decodedByOne = new RecordedEventDecoder().decode(bytes);
        RecordedEvent decodedByOther = new RecordedEventDecoder().decode(bytes);

        assertThat(cache.share(bytes, 0, bytes.length, decodedByOne)).isSameAs(decodedByOne);
        assertThat(cache.share(bytes, 0, bytes.length, decodedByOther)).isSameAs(decodedByOne);
    }

    /**
     * Subscriptions that decode the same new bytes at the same moment still end up with one event: the
     * one that keeps it second takes the first one's. Each round starts all threads on a fresh event at
     * once; one event a round, as two events of one round might share a slot, and the later one would
     * then rightly put out the earlier before a slower thread got to it.
     */
    @Test
    void subscriptionsDecodingTheSameBytesAtOnceShareOneEvent() throws Exception {
        int threadCount = 4;
        Random random = new Random(8);
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            messages.add(message(smallEvents(random, 1)));
        }
        CyclicBarrier together = new CyclicBarrier(threadCount);
        ExecutorService threads = Executors.newFixedThreadPool(threadCount);
        try {
            List<Future<List<List<RecordedEvent>>>> received = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                received.add(threads.submit(() -> {
                    DecodingMarshaller<Incoming> reader = subscription(cache);
                    List<List<RecordedEvent>> got = new ArrayList<>();
                    for (byte[] message : messages) {
                        together.await(10, TimeUnit.SECONDS);
                        got.add(reader.parse(stream(message)).events());
                    }
                    return got;
                }));
            }
            List<List<RecordedEvent>> first = received.get(0).get();
            for (int t = 1; t < threadCount; t++) {
                List<List<RecordedEvent>> other = received.get(t).get();
                for (int m = 0; m < messages.size(); m++) {
                    assertThat(other.get(m).get(0)).as("thread %d, message %d", t, m).isSameAs(first.get(m).get(0));
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Events the cache keeps: well under its size bound, like W6's 256-byte payloads. */
    private static List<RecordedEvent> smallEvents(Random random, int count) {
        List<RecordedEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[random.nextInt(300)];
            random.nextBytes(data);
            long position = random.nextLong(1L << 40);
            events.add(new RecordedEvent(new UUID(random.nextLong(), random.nextLong()), "account-" + random.nextInt(5),
                    "Deposited", random.nextInt(1000), Position.of(position),
                    Instant.ofEpochSecond(1_790_000_000L + position % 1000, random.nextInt(1_000_000) * 1000),
                    Optional.empty(), "application/json", data, new byte[random.nextInt(3) == 0 ? 8 : 0]));
        }
        return events;
    }

    private static byte[] message(List<RecordedEvent> events) {
        SubscriptionMessage.Builder message = SubscriptionMessage.newBuilder();
        events.forEach(event -> message.addEvents(ProtoMapping.toProto(event)));
        return message.build().toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static DecodingMarshaller<Incoming> subscription(DecodedEventCache shared) {
        return (DecodingMarshaller<Incoming>) SubscriptionWire.receivingOneCall(
                EventStoreGrpc.getSubscribeToAllMethod(), shared).getResponseMarshaller();
    }

    /** A message as gRPC hands one to a marshaller: its length known. */
    private static ByteArrayInputStream stream(byte[] bytes) {
        return new KnownLengthStream(bytes);
    }

    private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
        KnownLengthStream(byte[] bytes) {
            super(bytes);
        }
    }
}
