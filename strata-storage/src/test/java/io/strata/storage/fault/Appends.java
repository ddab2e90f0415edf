package io.strata.storage.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Appends whose events say which append they belong to (in their metadata), so a test can check
 * what the store holds against what it acknowledged: every acknowledged append present and intact
 * where it was acknowledged, every append wholly present or wholly absent.
 */
final class Appends {
    private static final Pattern META = Pattern.compile("\\{\"append\":\"([^\"]+)\",\"index\":(\\d+),\"size\":(\\d+)}");

    /** An append a test made: its key, stream, events and, once acknowledged, the result. */
    record Append(String key, String stream, List<EventData> events, AppendResult result) {
        Append acknowledged(AppendResult r) {
            return new Append(key, stream, events, r);
        }
    }

    /** How long an append may take before the test calls it lost (the writer never answered). */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private Appends() {
    }

    /**
     * {@code store.append} of {@code a} with {@code ExpectedRevision.ANY}, but failing the test, instead
     * of hanging it, when the store never completes the append's future.
     */
    static AppendResult submit(EventStore store, Append a) {
        CompletableFuture<AppendResult> future = store.appendAsync(a.stream(), ExpectedRevision.ANY, a.events());
        try {
            return future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("append " + a.key() + " to " + a.stream() + " was neither acknowledged nor failed within "
                    + PATIENCE + ": the store lost its future");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        }
    }

    /** {@code size} events of about {@code dataBytes} each; with client-supplied ids when {@code ids}. */
    static Append append(String key, String stream, int size, int dataBytes, boolean ids) {
        Random r = new Random(key.hashCode());
        List<EventData> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            byte[] data = new byte[dataBytes];
            r.nextBytes(data);
            EventData.Builder b = EventData.builder("Fact" + i).data(data)
                    .metadata(("{\"append\":\"" + key + "\",\"index\":" + i + ",\"size\":" + size + "}").getBytes(StandardCharsets.UTF_8));
            if (ids) {
                b.id(new UUID(r.nextLong(), r.nextLong()));
            }
            events.add(b.build());
        }
        return new Append(key, stream, List.copyOf(events), null);
    }

    /** Every acknowledged append is in {@code log} at the positions and revisions it was acknowledged with, intact. */
    static void assertAllPresent(List<RecordedEvent> log, List<Append> acknowledged) {
        for (Append a : acknowledged) {
            AppendResult r = a.result();
            assertThat(r).as("result of %s", a.key()).isNotNull();
            assertThat(r.lastPosition().value()).as("acknowledged append %s (positions %s..%s) in a log of %d events",
                    a.key(), r.firstPosition(), r.lastPosition(), log.size()).isLessThan(log.size());
            for (int i = 0; i < a.events().size(); i++) {
                RecordedEvent e = log.get((int) r.firstPosition().value() + i);
                EventData d = a.events().get(i);
                String what = a.key() + "[" + i + "]";
                assertThat(e.stream()).as("stream of %s", what).isEqualTo(a.stream());
                assertThat(e.revision()).as("revision of %s", what).isEqualTo(r.firstRevision() + i);
                assertThat(e.type()).as("type of %s", what).isEqualTo(d.type());
                assertThat(e.data()).as("data of %s", what).isEqualTo(d.data());
                assertThat(e.metadata()).as("metadata of %s", what).isEqualTo(d.metadata());
                d.id().ifPresent(id -> assertThat(e.id()).as("id of %s", what).isEqualTo(id));
                assertThat(e.recordedTime()).as("recorded time of %s", what).isEqualTo(r.recordedTime());
            }
        }
    }

    /**
     * Every append found in {@code log} is whole: all its events, in order, at consecutive positions.
     * Returns the keys of the appends found.
     */
    static Map<String, List<RecordedEvent>> assertWholeOrAbsent(List<RecordedEvent> log) {
        Map<String, List<RecordedEvent>> byKey = new HashMap<>();
        for (RecordedEvent e : log) {
            Matcher m = META.matcher(new String(e.metadata(), StandardCharsets.UTF_8));
            if (m.matches()) {
                byKey.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(e);
            }
        }
        for (Map.Entry<String, List<RecordedEvent>> entry : byKey.entrySet()) {
            List<RecordedEvent> events = entry.getValue();
            Matcher m = META.matcher(new String(events.get(0).metadata(), StandardCharsets.UTF_8));
            assertThat(m.matches()).isTrue();
            int size = Integer.parseInt(m.group(3));
            assertThat(events).as("events of append %s (all or none)", entry.getKey()).hasSize(size);
            for (int i = 0; i < size; i++) {
                assertThat(events.get(i).position().value()).as("position of %s[%d]", entry.getKey(), i)
                        .isEqualTo(events.get(0).position().value() + i);
                assertThat(new String(events.get(i).metadata(), StandardCharsets.UTF_8)).contains("\"index\":" + i + ",");
            }
        }
        return byKey;
    }

    /** None of {@code failed} (appends that failed with a definite "nothing was written") is in the log. */
    static void assertAbsent(List<RecordedEvent> log, List<Append> failed) {
        Map<String, List<RecordedEvent>> present = assertWholeOrAbsent(log);
        for (Append a : failed) {
            assertThat(present).as("append %s failed with an error saying nothing was written", a.key()).doesNotContainKey(a.key());
        }
    }
}
