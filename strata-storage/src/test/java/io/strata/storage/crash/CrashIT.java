package io.strata.storage.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.AppendResult;
import io.strata.core.Durability;
import io.strata.core.ExpectedRevision;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.core.EventStore;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.LogVerifier;
import io.strata.storage.VerifyReport;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash tests that really crash: a child JVM ({@link CrashingAppender}) appends with durability FSYNC
 * (one cycle in five BATCHED) from many threads and is killed with SIGKILL at a random moment; the store is reopened here and
 * checked against what the child reported, then the next child appends to the same store.
 *
 * <p>Checked after every kill: every acknowledged append is there, intact, where it was acknowledged;
 * every append is wholly present or wholly absent; appends rejected with a definite error are absent;
 * nothing appears that the child did not try to append; positions are gap-free from 0, each stream's
 * revisions too, and reading a stream agrees with the global log; what the previous check saw is
 * unchanged; idempotent retries of acknowledged appends return the original result and write
 * nothing; {@link LogVerifier} finds the log intact.
 *
 * <p>System properties: {@code strata.crash.cycles} (default 100), {@code strata.seed} (random when
 * unset; printed, and named in every failure).
 */
class CrashIT {
    private static final int THREADS = 8;
    private static final long[] SEGMENT_BYTES = {64 << 10, 256 << 10, 4 << 20};
    private static final int[] MEMTABLE_ENTRIES = {64, 512, 100_000};

    @TempDir
    Path temp;

    /** Per append key: what the child said it would append. */
    private record Attempt(String key, String stream, int size, List<UUID> ids, String expected) {
    }

    /** An acknowledged append of any cycle, kept for idempotent retries. */
    private record Acked(Attempt attempt, AppendResult result) {
    }

    /** What one child reported. */
    private static final class Report {
        final List<String> lines = new ArrayList<>();
        final Map<String, Attempt> attempts = new HashMap<>();
        final Map<String, AppendResult> acks = new HashMap<>();
        final Set<String> rejected = new LinkedHashSet<>();
        final List<String> problems = new ArrayList<>();
        int retries;
        String opened;
    }

    private List<RecordedEvent> known = List.of();
    private final List<Acked> ackedWithIds = new ArrayList<>();
    private long totalAcks;
    private long totalCut;
    private int cyclesWithCut;
    private int earlyKills;
    private long childNanos;
    private long checkNanos;
    private long childOpenMillis;
    private int childOpens;
    private long childRetries;

    @Test
    void acknowledgedAppendsSurviveSigkillAndNothingIsHalfWritten() throws Exception {
        long seed = Long.getLong("strata.seed", new Random().nextLong());
        int cycles = Integer.getInteger("strata.crash.cycles", 100);
        System.out.printf("CrashIT: seed %d, %d kill cycles (rerun with -Dstrata.seed=%d)%n", seed, cycles, seed);
        Random random = new Random(seed);
        Path store = temp.resolve("store");
        long started = System.nanoTime();
        for (int cycle = 0; cycle < cycles; cycle++) {
            long segmentBytes = SEGMENT_BYTES[random.nextInt(SEGMENT_BYTES.length)];
            int memtableEntries = MEMTABLE_ENTRIES[random.nextInt(MEMTABLE_ENTRIES.length)];
            // Mostly FSYNC; sometimes BATCHED, whose answers come before the fsync: a process crash
            // (unlike a power cut) must not lose those either, the bytes were written.
            Durability durability = random.nextInt(5) == 0 ? Durability.BATCHED : Durability.FSYNC;
            boolean early = random.nextInt(100) < 12;
            int delayMillis = early ? random.nextInt(600) : 20 + random.nextInt(281);
            long childSeed = random.nextLong();
            String where = String.format("cycle %d of seed %d (%s, segmentBytes %d, memtableEntries %d, kill %s %d ms; "
                    + "rerun with -Dstrata.seed=%d)", cycle, seed, durability, segmentBytes, memtableEntries,
                    early ? "after start" : "after first ack", delayMillis, seed);
            Report report;
            long t0 = System.nanoTime();
            try {
                report = runChild(store, durability, segmentBytes, memtableEntries, childSeed, cycle, early, delayMillis);
            } catch (Throwable t) {
                throw new AssertionError("CrashIT child failed in " + where + ": " + t.getMessage(), t);
            }
            long t1 = System.nanoTime();
            childNanos += t1 - t0;
            try {
                check(store, durability, segmentBytes, memtableEntries, report, random);
                checkNanos += System.nanoTime() - t1;
            } catch (Throwable t) {
                throw new AssertionError("CrashIT failed in " + where + ": " + t.getMessage()
                        + "\nchild output (last lines): " + tail(report.lines, 15)
                        + "\nchild stderr: " + tail(readLines(store.resolveSibling("child.err")), 30), t);
            }
        }
        System.out.printf("CrashIT: %d cycles in %d s: %d events, %d acknowledged appends, %d idempotent retries in the "
                        + "children, torn tails cut in %d cycles (%d bytes), %d kills at a random moment after start (%d before "
                        + "the store had opened); per cycle: child %d ms (opening the store %d ms), checks %d ms%n", cycles,
                (System.nanoTime() - started) / 1_000_000_000L, known.size(), totalAcks, childRetries, cyclesWithCut, totalCut,
                earlyKills, cycles - childOpens, childNanos / cycles / 1_000_000, childOpenMillis / Math.max(1, childOpens),
                checkNanos / cycles / 1_000_000);
    }

    private Report runChild(Path store, Durability durability, long segmentBytes, int memtableEntries, long childSeed,
                            int cycle, boolean early, int delayMillis) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-XX:-UsePerfData", "-Xshare:auto", "-cp", classPath(), CrashingAppender.class.getName(),
                store.toString(), Long.toString(segmentBytes), Integer.toString(memtableEntries),
                Long.toString(childSeed), Integer.toString(cycle), Integer.toString(THREADS), durability.name());
        Path err = store.resolveSibling("child.err");
        // stdout goes to a file, not a pipe: what the child wrote before SIGKILL is in the page cache
        // and nothing between the two processes can lose it.
        Path out = store.resolveSibling("child.out");
        Process child = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        Report report = new Report();
        try {
            if (early) {
                earlyKills++;
                Thread.sleep(delayMillis);
            } else {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!acknowledgedAnything(out) && System.nanoTime() < deadline && child.isAlive()) {
                    Thread.sleep(2);
                }
                if (!acknowledgedAnything(out)) {
                    child.destroyForcibly();
                    throw new AssertionError("the child acknowledged nothing within 30 s; alive: " + child.isAlive()
                            + ", stdout: " + tail(readLines(out), 10) + ", stderr: " + tail(readLines(err), 30));
                }
                Thread.sleep(delayMillis);
            }
            assertThat(child.isAlive()).as("child still running when killed (exit code %s); stderr: %s",
                    child.isAlive() ? "-" : child.exitValue(), child.isAlive() ? "" : tail(readLines(err), 30)).isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor(30, TimeUnit.SECONDS);
        }
        report.lines.addAll(readLines(out));
        assertThat(child.exitValue()).as("exit code of the killed child (128 + SIGKILL)").isEqualTo(137);
        parse(report);
        return report;
    }

    private static boolean acknowledgedAnything(Path out) throws IOException {
        if (!Files.exists(out)) {
            return false;
        }
        byte[] bytes = Files.readAllBytes(out);
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.startsWith("K ") || text.contains("\nK ");
    }

    /** The test class path, plus the code sources of what the child needs in case it is a manifest-only jar. */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (Class<?> c : List.of(CrashingAppender.class, EmbeddedEventStore.class, EventStore.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (Exception e) {
                // java.class.path will have to do
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void parse(Report report) {
        for (String line : report.lines) {
            if (!line.endsWith(CrashWorkload.END)) {
                continue; // cut by the kill
            }
            String[] f = line.substring(0, line.length() - CrashWorkload.END.length()).split(" ", 7);
            switch (f[0]) {
                case "O" -> report.opened = f[3];
                case "A" -> {
                    List<UUID> ids = f[4].equals("-") ? null : Arrays.stream(f[4].split(",")).map(UUID::fromString).toList();
                    report.attempts.put(f[1], new Attempt(f[1], f[2], Integer.parseInt(f[3]), ids, f[5]));
                }
                case "K" -> {
                    Attempt attempt = report.attempts.get(f[1]);
                    if (attempt == null) {
                        report.problems.add("acknowledged without an announcement: " + line);
                    } else {
                        report.acks.put(f[1], new AppendResult(attempt.stream(), Long.parseLong(f[2]), Long.parseLong(f[3]),
                                Position.of(Long.parseLong(f[4])), Position.of(Long.parseLong(f[5])), Instant.parse(f[6])));
                    }
                }
                case "R" -> report.rejected.add(f[1]);
                case "D" -> {
                    report.retries++;
                    if (!f[2].equals("ok")) {
                        report.problems.add("idempotent retry in the child: " + line);
                    }
                }
                case "U" -> report.problems.add("unexpected error in the child: " + line);
                default -> report.problems.add("unknown line: " + line);
            }
        }
    }

    private void check(Path directory, Durability durability, long segmentBytes, int memtableEntries, Report report,
                       Random random) throws IOException {
        assertThat(report.problems).as("problems the child reported").isEmpty();
        List<RecordedEvent> log;
        try (EmbeddedEventStore store = EmbeddedEventStore.open(CrashWorkload.config(directory, durability, segmentBytes, memtableEntries))) {
            if (store.truncatedBytes() > 0) {
                cyclesWithCut++;
                totalCut += store.truncatedBytes();
            }
            log = StoreContents.readAll(store);
            StoreContents.checkConsistent(store, log);
            assertThat(log.size()).as("events after reopening, against %d before this child", known.size())
                    .isGreaterThanOrEqualTo(known.size());
            assertThat(log.subList(0, known.size())).as("what the previous check saw is unchanged").isEqualTo(known);

            checkNewEvents(log, report);
            checkAcknowledged(log, report);
            retryAcknowledged(store, random);
            assertThat(StoreContents.readAll(store)).as("the log after idempotent retries").hasSize(log.size());
        }
        VerifyReport verified = LogVerifier.verify(directory, n -> { });
        assertThat(verified.firstProblem()).as("LogVerifier's first problem").isEmpty();
        assertThat(verified.records()).as("records LogVerifier checked").isEqualTo(log.size());
        if (report.opened != null) {
            childOpenMillis += Long.parseLong(report.opened);
            childOpens++;
        }
        childRetries += report.retries;
        known = log;
        totalAcks += report.acks.size();
        for (Map.Entry<String, AppendResult> e : report.acks.entrySet()) {
            Attempt attempt = report.attempts.get(e.getKey());
            if (attempt.ids() != null) {
                ackedWithIds.add(new Acked(attempt, e.getValue()));
            }
        }
    }

    /** Every event this child added belongs to an append it announced, and every such append is whole. */
    private void checkNewEvents(List<RecordedEvent> log, Report report) {
        Map<String, List<RecordedEvent>> byKey = new HashMap<>();
        for (RecordedEvent event : log.subList(known.size(), log.size())) {
            CrashWorkload.Meta meta = CrashWorkload.meta(event.metadata());
            assertThat(meta).as("metadata of %s", event).isNotNull();
            assertThat(report.attempts).as("the append of %s (%s) was announced by this child", event, meta.key())
                    .containsKey(meta.key());
            byKey.computeIfAbsent(meta.key(), k -> new ArrayList<>()).add(event);
        }
        for (Map.Entry<String, List<RecordedEvent>> e : byKey.entrySet()) {
            Attempt attempt = report.attempts.get(e.getKey());
            List<RecordedEvent> events = e.getValue();
            assertThat(events).as("events of append %s (all or none of an atomic append)", attempt).hasSize(attempt.size());
            assertThat(report.rejected).as("appends rejected with a definite error are absent").doesNotContain(attempt.key());
            for (int k = 0; k < events.size(); k++) {
                RecordedEvent event = events.get(k);
                assertIntact(event, attempt, k);
                assertThat(event.position().value()).as("position of event %d of %s", k, attempt.key())
                        .isEqualTo(events.get(0).position().value() + k);
                assertThat(event.revision()).as("revision of event %d of %s", k, attempt.key())
                        .isEqualTo(events.get(0).revision() + k);
            }
            if (attempt.expected().matches("\\d+")) {
                assertThat(events.get(0).revision()).as("first revision of %s written with expected revision %s",
                        attempt.key(), attempt.expected()).isEqualTo(Long.parseLong(attempt.expected()) + 1);
            } else if (attempt.expected().equals("no_stream")) {
                assertThat(events.get(0).revision()).as("first revision of %s written with no_stream", attempt.key()).isZero();
            }
        }
    }

    private static void checkAcknowledged(List<RecordedEvent> log, Report report) {
        for (Map.Entry<String, AppendResult> e : report.acks.entrySet()) {
            Attempt attempt = report.attempts.get(e.getKey());
            assertThat(attempt).as("attempt line of acknowledged append %s", e.getKey()).isNotNull();
            AppendResult ack = e.getValue();
            long first = ack.firstPosition().value();
            long last = ack.lastPosition().value();
            assertThat(last - first + 1).as("events acknowledged for %s", attempt).isEqualTo(attempt.size());
            assertThat(ack.lastRevision() - ack.firstRevision() + 1).as("revisions acknowledged for %s", attempt).isEqualTo(attempt.size());
            assertThat(last).as("acknowledged append %s at positions %d..%d is in the log of %d events", attempt.key(),
                    first, last, log.size()).isLessThan(log.size());
            for (int k = 0; k < attempt.size(); k++) {
                RecordedEvent event = log.get((int) (first + k));
                assertIntact(event, attempt, k);
                assertThat(event.revision()).as("revision of acknowledged %s[%d]", attempt.key(), k).isEqualTo(ack.firstRevision() + k);
                assertThat(event.recordedTime()).as("recorded time of acknowledged %s[%d]", attempt.key(), k).isEqualTo(ack.recordedTime());
            }
        }
    }

    private static void assertIntact(RecordedEvent event, Attempt attempt, int index) {
        CrashWorkload.Meta meta = CrashWorkload.meta(event.metadata());
        String what = attempt.key() + "[" + index + "] at position " + event.position();
        assertThat(meta).as("metadata of %s", what).isEqualTo(new CrashWorkload.Meta(attempt.key(), index, attempt.size()));
        assertThat(event.stream()).as("stream of %s", what).isEqualTo(attempt.stream());
        assertThat(event.type()).as("type of %s", what).isEqualTo(CrashWorkload.type(attempt.key(), index));
        assertThat(event.data()).as("data of %s", what).isEqualTo(CrashWorkload.data(attempt.key(), index));
        if (attempt.ids() != null) {
            assertThat(event.id()).as("id of %s", what).isEqualTo(attempt.ids().get(index));
        }
    }

    /** Appends a few acknowledged appends again: the original result comes back and nothing is written. */
    private void retryAcknowledged(EmbeddedEventStore store, Random random) {
        for (int i = 0; i < Math.min(3, ackedWithIds.size()); i++) {
            Acked acked = ackedWithIds.get(random.nextInt(ackedWithIds.size()));
            Attempt a = acked.attempt();
            long before = store.info().events();
            AppendResult again = store.append(a.stream(), ExpectedRevision.ANY, CrashWorkload.events(a.key(), a.size(), a.ids()));
            assertThat(again).as("result of retrying acknowledged append %s", a.key()).isEqualTo(acked.result());
            assertThat(store.info().events()).as("events after retrying %s", a.key()).isEqualTo(before);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of("(unreadable: " + e + ")");
        }
    }

    private static String tail(List<String> lines, int n) {
        List<String> copy;
        synchronized (lines) {
            copy = new ArrayList<>(lines);
        }
        return "\n  " + String.join("\n  ", copy.subList(Math.max(0, copy.size() - n), copy.size()));
    }
}
