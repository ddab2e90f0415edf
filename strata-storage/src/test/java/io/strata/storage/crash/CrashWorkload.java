package io.strata.storage.crash;

import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.storage.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the crashing child appends and how it reports it, shared by {@link CrashingAppender} (which
 * writes) and {@link CrashIT} (which checks).
 *
 * <p>Every event names its atomic append in its metadata ({@code batch}, {@code index}, {@code size}),
 * and its type and data are derived from those, so the checker can tell for any event found in the
 * log which append it came from and whether it is intact.
 *
 * <p>The child's stdout protocol, one line per fact, each ending in {@value #END} so a line cut by
 * the kill is recognised and ignored:
 * <pre>
 *  O replayed truncatedBytes openMillis $             the store opened
 *  A key stream size ids|- expected $                 about to append (written before the call)
 *  K key firstRev lastRev firstPos lastPos recorded $ acknowledged
 *  R key code $                                       rejected with a definite error (nothing written)
 *  D key ok|bad… $                                    an idempotent retry of acknowledged append key
 *  U key code message $                               an unexpected error (a bug)
 * </pre>
 */
final class CrashWorkload {
    static final String END = " $";
    static final int STREAMS = 50;
    private static final Pattern META = Pattern.compile("\\{\"batch\":\"([^\"]+)\",\"index\":(\\d+),\"size\":(\\d+)}");

    private CrashWorkload() {
    }

    /** The store settings the child and the checker both use. */
    static StoreConfig config(Path directory, Durability durability, long segmentBytes, int memtableEntries) {
        return configBuilder(directory, durability, segmentBytes, memtableEntries).build();
    }

    static StoreConfig.Builder configBuilder(Path directory, Durability durability, long segmentBytes, int memtableEntries) {
        return StoreConfig.builder(directory).durability(durability).segmentBytes(segmentBytes).memtableEntries(memtableEntries);
    }

    static String stream(int i) {
        return "crash-" + i;
    }

    /** The events of append {@code key}; {@code ids} null means the store assigns them. */
    static List<EventData> events(String key, int size, List<UUID> ids) {
        List<EventData> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            EventData.Builder b = EventData.builder(type(key, i)).data(data(key, i)).metadata(metadata(key, i, size));
            if (ids != null) {
                b.id(ids.get(i));
            }
            events.add(b.build());
        }
        return events;
    }

    static String type(String key, int index) {
        return "Happened" + Math.floorMod((key + index).hashCode(), 7);
    }

    static byte[] metadata(String key, int index, int size) {
        return ("{\"batch\":\"" + key + "\",\"index\":" + index + ",\"size\":" + size + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Mostly small payloads, some of several KiB, a few of 40 KiB (larger than a small segment's slack). */
    static byte[] data(String key, int index) {
        Random r = new Random((key + "/" + index).hashCode() * 0x9E3779B97F4A7C15L);
        int pick = r.nextInt(100);
        int length = pick < 90 ? r.nextInt(300) : pick < 99 ? 2000 + r.nextInt(6000) : 40_000;
        byte[] data = new byte[length];
        r.nextBytes(data);
        return data;
    }

    /** The (batch key, index, size) an event's metadata names, or null when it names none. */
    static Meta meta(byte[] metadata) {
        Matcher m = META.matcher(new String(metadata, StandardCharsets.UTF_8));
        return m.matches() ? new Meta(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))) : null;
    }

    record Meta(String key, int index, int size) {
    }
}
