package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StreamHeadsTest {

    private static long keyOf(String stream) {
        return Keys.streamKey(stream.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void remembersHeadsAndUpdatesThem() {
        StreamHeads heads = new StreamHeads(100);
        assertThat(heads.get(keyOf("a"), "a")).isEqualTo(StreamHeads.ABSENT);
        heads.put(keyOf("a"), "a", -1);
        heads.put(keyOf("b"), "b", 4);
        heads.put(keyOf("a"), "a", 0);
        assertThat(heads.get(keyOf("a"), new String("a"))).as("equal name, another String").isEqualTo(0);
        assertThat(heads.get(keyOf("b"), "b")).isEqualTo(4);
    }

    @Test
    void streamsSharingAKeyAreToldApartByName() {
        StreamHeads heads = new StreamHeads(100);
        long shared = 42;
        heads.put(shared, "first", 1);
        heads.put(shared, "second", 2);
        assertThat(heads.get(shared, "first")).isEqualTo(1);
        assertThat(heads.get(shared, "second")).isEqualTo(2);
        assertThat(heads.get(shared, "third")).isEqualTo(StreamHeads.ABSENT);
    }

    @Test
    void aFullProbeReplacesAnEntryAndNeverAnswersWrongly() {
        StreamHeads heads = new StreamHeads(8);
        int slots = heads.slots();
        // Far more streams than slots, all on few home slots: entries get replaced, answers stay right.
        Map<String, Long> truth = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            String stream = "s-" + random.nextInt(200);
            long key = Math.floorMod(stream.hashCode(), 3); // three home slots for 200 streams
            long cached = heads.get(key, stream);
            if (cached != StreamHeads.ABSENT) {
                assertThat(cached).as(stream).isEqualTo(truth.get(stream));
            }
            long next = truth.merge(stream, 1L, Long::sum);
            heads.put(key, stream, next);
            assertThat(heads.get(key, stream)).as("just put " + stream).isEqualTo(next);
        }
        long cachedCount = truth.keySet().stream()
                .filter(s -> heads.get(Math.floorMod(s.hashCode(), 3), s) != StreamHeads.ABSENT).count();
        assertThat(cachedCount).as("bounded by the table").isPositive().isLessThanOrEqualTo(slots);
    }

    @Test
    void clearForgetsEverything() {
        StreamHeads heads = new StreamHeads(100);
        heads.put(keyOf("a"), "a", 3);
        heads.clear();
        assertThat(heads.get(keyOf("a"), "a")).isEqualTo(StreamHeads.ABSENT);
    }

    @Test
    void holdsNearlyAllOfItsCapacity() {
        int capacity = 100_000;
        StreamHeads heads = new StreamHeads(capacity);
        assertThat(heads.slots()).as("starts small").isEqualTo(1024);
        for (int i = 0; i < capacity; i++) {
            String stream = "w2-" + i;
            heads.put(keyOf(stream), stream, i);
        }
        int found = 0;
        for (int i = 0; i < capacity; i++) {
            String stream = "w2-" + i;
            if (heads.get(keyOf(stream), stream) == i) {
                found++;
            }
        }
        // A full probe of 8 replaces even below capacity: 83 of 100,000 when this was written.
        assertThat(found).isGreaterThanOrEqualTo(capacity - capacity / 1000);
        assertThat(heads.slots()).as("grown to the next power of two over 4/3 of the capacity").isEqualTo(262_144);
    }
}
