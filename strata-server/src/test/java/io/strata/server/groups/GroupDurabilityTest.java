package io.strata.server.groups;

import static io.strata.server.groups.GroupTestSupport.ackIds;
import static io.strata.server.groups.GroupTestSupport.append;
import static io.strata.server.groups.GroupTestSupport.drain;
import static io.strata.server.groups.GroupTestSupport.drainExpecting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.core.CorruptedDataException;
import io.strata.core.Position;
import io.strata.storage.EmbeddedEventStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group state on disk: clean restarts, crashes (a registry abandoned without its last write), damaged files. */
class GroupDurabilityTest {
    /** Checkpoints only when a test asks (or at close), so a test knows exactly what is durable. */
    private static final GroupsConfig MANUAL_CHECKPOINTS = GroupsConfig.builder()
            .checkpointInterval(Duration.ofHours(1)).checkpointAfterAcks(Integer.MAX_VALUE).build();

    @TempDir
    Path dir;

    private EmbeddedEventStore store;
    private ConsumerGroups groups;

    @BeforeEach
    void open() {
        store = GroupTestSupport.openStore(dir);
        groups = ConsumerGroups.open(store, dir, MANUAL_CHECKPOINTS);
    }

    @AfterEach
    void close() {
        groups.close();
        store.close();
    }

    private void restart() {
        groups.close();
        store.close();
        store = GroupTestSupport.openStore(dir);
        groups = ConsumerGroups.open(store, dir, MANUAL_CHECKPOINTS);
    }

    private void crashAndReopenGroups() {
        groups.abandon();
        groups = ConsumerGroups.open(store, dir, MANUAL_CHECKPOINTS);
    }

    private Path folder(String group) {
        return dir.resolve(ConsumerGroups.DIRECTORY).resolve(group);
    }

    private static GroupSettings allFromStart() {
        return GroupSettings.of(GroupSource.all()).withStart(StartFrom.START);
    }

    private static Set<Long> positions(List<Message> messages) {
        return messages.stream().map(m -> m.event().position().value()).collect(Collectors.toSet());
    }

    @Test
    void settingsCheckpointAndParkedSurviveACleanRestart() {
        for (int s = 0; s < 3; s++) {
            append(store, "s-" + s, 10);
        }
        GroupSettings settings = allFromStart().withMaxDeliveries(2).withAckTimeout(Duration.ofSeconds(5));
        ConsumerGroup group = groups.create("g", settings).group();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (Message m : group.fetch("c1", 100, Duration.ofMillis(50))) {
                if (GroupTestSupport.key(m).equals("s-0@3")) {
                    group.nack(List.of(m.ackId()), NackAction.PARK, Duration.ZERO);
                } else {
                    group.ack(List.of(m.ackId()));
                }
            }
            return group.status().lag() == 0;
        });

        restart();

        ConsumerGroup reopened = groups.get("g");
        assertThat(reopened.settings()).isEqualTo(settings);
        GroupStatus status = reopened.status();
        assertThat(status.checkpoint()).isEqualTo(Position.of(30));
        assertThat(status.parked()).isEqualTo(1);
        assertThat(status.lag()).isZero();
        assertThat(reopened.fetch("c1", 100, Duration.ofMillis(300))).as("acked events are not delivered again").isEmpty();
        assertThat(reopened.parked(10)).singleElement().satisfies(p -> {
            assertThat(p.event().stream() + "@" + p.event().revision()).isEqualTo("s-0@3");
            assertThat(p.reason()).isEqualTo(ParkReason.NACKED);
        });
        append(store, "s-9", 1);
        assertThat(drainExpecting(reopened, "c1", 1, Duration.ofMillis(500))).extracting(GroupTestSupport::key).containsExactly("s-9@0");
        // And the idempotent create still sees the same group.
        assertThat(groups.create("g", settings).created()).isFalse();
    }

    @Test
    void aCrashRedeliversExactlyTheEventsFromTheLastDurableCheckpointOn() throws IOException {
        for (int i = 0; i < 10; i++) {
            append(store, "s-" + i, 100); // 1,000 events
        }
        ConsumerGroup group = groups.create("g", allFromStart()).group();
        Set<Long> acked = new HashSet<>();
        ackSome(group, 500, acked);
        group.writeCheckpoint();
        long durable = GroupFiles.load(folder("g")).checkpoint().position();
        int ackedBeforeCheckpoint = acked.size();
        ackSome(group, 200, acked);                                    // acked after the checkpoint: lost by the crash
        List<Message> inFlight = group.fetch("c1", 50, Duration.ofSeconds(1)); // never acked
        assertThat(inFlight).isNotEmpty();

        crashAndReopenGroups();

        assertThat(groups.get("g").status().checkpoint()).isEqualTo(Position.of(durable));
        List<Message> redelivered = drainExpecting(groups.get("g"), "c2", (int) (1000 - durable), Duration.ofMillis(500));
        Set<Long> again = positions(redelivered);
        Set<Long> expected = new HashSet<>();
        for (long p = durable; p < 1000; p++) {
            expected.add(p);
        }
        assertThat(again).as("from the durable checkpoint on, everything; before it, nothing").isEqualTo(expected);
        Set<Long> lostOrDone = new HashSet<>(acked);
        lostOrDone.addAll(again);
        assertThat(lostOrDone).as("no event lost").hasSize(1000);
        Set<Long> duplicates = new HashSet<>(again);
        duplicates.retainAll(acked);
        assertThat(duplicates.size()).as("the documented bound: acks since the last checkpoint + the read-ahead window")
                .isLessThanOrEqualTo(acked.size() - ackedBeforeCheckpoint + GroupsConfig.defaults().readAhead());
    }

    /** Fetches and acks {@code count} messages (per-stream order: several fetches). */
    private static void ackSome(ConsumerGroup group, int count, Set<Long> acked) {
        int done = 0;
        while (done < count) {
            List<Message> batch = group.fetch("c1", Math.min(100, count - done), Duration.ofSeconds(1));
            assertThat(batch).isNotEmpty();
            assertThat(group.ack(ackIds(batch)).acked()).isEqualTo(batch.size());
            acked.addAll(positions(batch));
            done += batch.size();
        }
    }

    @Test
    void aParkedRecordWrittenBeforeACrashKeepsItsEventParkedEvenAboveTheCheckpoint() throws IOException {
        append(store, "s-1", 1); // position 0: stays in flight and holds the checkpoint at 0
        append(store, "s-0", 1); // position 1: parked
        ConsumerGroup group = groups.create("g", allFromStart()).group();
        List<Message> both = GroupTestSupport.fetchAtLeast(group, "c1", 2, Duration.ofSeconds(5));
        Message poison = both.stream().filter(m -> m.event().stream().equals("s-0")).findFirst().orElseThrow();
        group.nack(List.of(poison.ackId()), NackAction.PARK, Duration.ZERO);
        group.writeCheckpoint();

        crashAndReopenGroups();

        ConsumerGroup reopened = groups.get("g");
        assertThat(reopened.status().checkpoint()).isEqualTo(Position.of(0));
        assertThat(reopened.parked(10)).extracting(p -> p.event().position().value()).containsExactly(1L);
        assertThat(drainExpecting(reopened, "c2", 1, Duration.ofMillis(500))).extracting(m -> m.event().position().value()).containsExactly(0L);

        // A replay interrupted by a restart leaves the message parked.
        reopened.replayParked();
        assertThat(GroupTestSupport.fetchAtLeast(reopened, "c2", 1, Duration.ofSeconds(5))).hasSize(1);
        restart();
        assertThat(groups.get("g").status().parked()).isEqualTo(1);
    }

    @Test
    void aGroupStartingAtTheEndKeepsTheStartItResolvedAtCreation() {
        append(store, "s-0", 3);
        groups.create("g", GroupSettings.of(GroupSource.all()));
        restart(); // nothing acked, so the checkpoint written at creation is all there is
        append(store, "s-0", 2);

        assertThat(drainExpecting(groups.get("g"), "c1", 2, Duration.ofMillis(500))).extracting(m -> m.event().revision()).containsExactly(3L, 4L);
    }

    @Test
    void tornTempFilesAndLeftoverFoldersDoNotBreakReopening() throws IOException {
        append(store, "s-0", 5);
        ConsumerGroup group = groups.create("g", allFromStart()).group();
        drain(group, "c1", Duration.ofMillis(300));
        groups.close();
        Path groupsFolder = dir.resolve(ConsumerGroups.DIRECTORY);
        byte[] garbage = "{\"version\":1,\"posi\u0000\u0000\u0000".getBytes(StandardCharsets.UTF_8);
        Files.write(folder("g").resolve(GroupFiles.CHECKPOINT + AtomicFiles.TEMP_SUFFIX), garbage);
        Files.write(folder("g").resolve(GroupFiles.PARKED + AtomicFiles.TEMP_SUFFIX), garbage);
        Files.createDirectories(groupsFolder.resolve(GroupFiles.STAGING_PREFIX + "half-1234"));
        Files.write(groupsFolder.resolve(GroupFiles.STAGING_PREFIX + "half-1234").resolve(GroupFiles.SETTINGS), garbage);
        Files.createDirectories(groupsFolder.resolve(GroupFiles.DELETING_PREFIX + "old-99").resolve("x"));

        groups = ConsumerGroups.open(store, dir, MANUAL_CHECKPOINTS);

        assertThat(groups.list()).extracting(GroupStatus::name).containsExactly("g");
        assertThat(groups.get("g").status().checkpoint()).isEqualTo(Position.of(5));
        try (var entries = Files.list(groupsFolder)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("g");
        }
        try (var entries = Files.list(folder("g"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(GroupFiles.SETTINGS, GroupFiles.CHECKPOINT);
        }
    }

    @Test
    void aDamagedCheckpointIsReportedNotIgnored() throws IOException {
        groups.create("g", allFromStart());
        groups.close();
        Files.write(folder("g").resolve(GroupFiles.CHECKPOINT), "{\"version\":1,\"posi".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ConsumerGroups.open(store, dir, MANUAL_CHECKPOINTS))
                .isInstanceOf(CorruptedDataException.class)
                .hasMessageContaining(GroupFiles.CHECKPOINT)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void checkpointsAreWrittenOnTheirOwnWithinTheInterval() {
        groups.close();
        groups = ConsumerGroups.open(store, dir, GroupTestSupport.quickCheckpoints());
        append(store, "s-0", 20);
        ConsumerGroup group = groups.create("g", allFromStart()).group();
        drain(group, "c1", Duration.ofMillis(200));

        await().atMost(Duration.ofSeconds(5)).until(() -> GroupFiles.load(folder("g")).checkpoint().position() == 20);
    }

    @Test
    void manyAcksTriggerACheckpointBeforeTheInterval() {
        groups.close();
        groups = ConsumerGroups.open(store, dir, GroupsConfig.builder().checkpointInterval(Duration.ofHours(1)).checkpointAfterAcks(10).build());
        append(store, "s-0", 20);
        ConsumerGroup group = groups.create("g", allFromStart().withOrdering(Ordering.NONE)).group();
        List<Message> got = GroupTestSupport.fetchAtLeast(group, "c1", 20, Duration.ofSeconds(5));
        group.ack(ackIds(new ArrayList<>(got)));

        await().atMost(Duration.ofSeconds(5)).until(() -> GroupFiles.load(folder("g")).checkpoint().position() == 20);
    }

    @Test
    void aDeletedGroupLeavesNoStateToComeBackAfterARestart() {
        groups.create("g", allFromStart());
        groups.delete("g");
        restart();

        assertThat(groups.list()).isEmpty();
        assertThat(folder("g")).doesNotExist();
    }
}
