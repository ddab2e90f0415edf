package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends of about {@code eventBytes} each whose data carries their number, over three streams, and the
 * check that a store holds every one of them, in order and intact: for tests that roll segments.
 */
final class NumberedAppends {
    private final int eventBytes;
    private int appended;

    NumberedAppends(int eventBytes) {
        this.eventBytes = eventBytes;
    }

    void appendOne(EventStore store) {
        byte[] data = ("{\"n\":" + appended + ",\"pad\":\"" + "x".repeat(eventBytes - 30) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        store.append("s-" + appended % 3, ExpectedRevision.ANY, List.of(EventData.json("Happened", data)));
        appended++;
    }

    void assertEveryAppendIn(EventStore store, String when) {
        List<RecordedEvent> all = new ArrayList<>();
        ReadAllOptions page = ReadAllOptions.forwards().limit(1000);
        while (true) {
            var slice = store.readAll(page);
            all.addAll(slice.events());
            if (slice.next().isEmpty()) {
                break;
            }
            page = ReadAllOptions.forwards().from(slice.next().get()).limit(1000);
        }
        assertThat(all).as("%s: every append", when).hasSize(appended);
        for (int i = 0; i < all.size(); i++) {
            assertThat(new String(all.get(i).data(), StandardCharsets.UTF_8)).as("%s: event %d", when, i)
                    .startsWith("{\"n\":" + i + ",");
        }
    }
}
