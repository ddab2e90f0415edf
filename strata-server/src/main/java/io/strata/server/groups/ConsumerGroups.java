package io.strata.server.groups;

import io.strata.core.ErrorCode;
import io.strata.core.EventStore;
import io.strata.core.InvalidRequestException;
import io.strata.core.StoreUnavailableException;
import io.strata.core.StrataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The consumer groups of one store, kept in {@code <data>/groups/} (one folder per group, see
 * {@link GroupFiles}). Opening it opens every group found there, and each resumes from its durable
 * checkpoint.
 *
 * <p>Threads: one scheduler per registry (2 platform threads) runs every group's timers (ack
 * timeouts, nack delays) and checkpoint writes; each group reads its source on one virtual thread.
 * Close the registry before the store.
 *
 * <p>Thread-safe. Creating and deleting take a registry lock; everything else goes to the group.
 */
public final class ConsumerGroups implements AutoCloseable {
    /** The folder under the data folder. */
    public static final String DIRECTORY = "groups";
    /** Group names: also folder names, so letters, digits, '.', '_' and '-', not starting with '.'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private final Path directory;
    private final GroupRuntime runtime;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ConcurrentHashMap<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    private final ReentrantLock changes = new ReentrantLock();
    private final ScheduledFuture<?> checkpoints;
    private volatile boolean closed;

    private ConsumerGroups(EventStore store, Path directory, GroupsConfig config) {
        this.directory = directory;
        this.scheduler = new ScheduledThreadPoolExecutor(2, daemonThreads());
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.runtime = new GroupRuntime(store, config, scheduler);
        long interval = config.checkpointInterval().toNanos();
        this.checkpoints = scheduler.scheduleWithFixedDelay(this::writeCheckpoints, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** Opens the groups of {@code store} kept under {@code dataDirectory}, with default settings. */
    public static ConsumerGroups open(EventStore store, Path dataDirectory) {
        return open(store, dataDirectory, GroupsConfig.defaults());
    }

    /**
     * Opens the groups of {@code store} kept under {@code dataDirectory}/groups, creating the folder
     * when missing; leftovers of interrupted creations, deletions and writes are removed.
     *
     * @throws io.strata.core.CorruptedDataException a group's files cannot be used (the message names the file)
     * @throws StoreUnavailableException             the folder cannot be read
     */
    public static ConsumerGroups open(EventStore store, Path dataDirectory, GroupsConfig config) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(config, "config");
        Path directory = dataDirectory.resolve(DIRECTORY);
        ConsumerGroups registry = new ConsumerGroups(store, directory, config);
        try {
            Files.createDirectories(directory);
            List<Path> folders;
            try (Stream<Path> entries = Files.list(directory)) {
                folders = entries.sorted().toList();
            }
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                if (name.startsWith(".")) {
                    AtomicFiles.deleteRecursively(folder); // an interrupted creation or deletion
                } else if (Files.isDirectory(folder)) {
                    GroupFiles.Stored stored = GroupFiles.load(folder);
                    ConsumerGroup group = new ConsumerGroup(name, stored.settings(), stored.files(), stored.checkpoint(),
                            stored.parked(), registry.runtime);
                    registry.groups.put(name, group);
                    group.start();
                }
            }
            return registry;
        } catch (IOException | UncheckedIOException e) {
            registry.close();
            throw new StoreUnavailableException("cannot open the consumer groups in " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /**
     * Creates a group, or finds the one of that name when its settings are equal (idempotent).
     *
     * @param name 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'
     * @throws StrataException {@code group_exists} when a group of that name has other settings
     * @throws InvalidRequestException an invalid name
     */
    public GroupCreation create(String name, GroupSettings settings) {
        checkName(name);
        Objects.requireNonNull(settings, "settings");
        changes.lock();
        try {
            ensureOpen();
            ConsumerGroup existing = groups.get(name);
            if (existing != null) {
                if (existing.settings().equals(settings)) {
                    return new GroupCreation(existing, false);
                }
                throw new StrataException(ErrorCode.GROUP_EXISTS, "consumer group '" + name + "' exists with other settings: "
                        + existing.settings() + "; asked for " + settings);
            }
            Checkpoint start = SourceReader.of(runtime.store(), settings.source()).resolve(settings.start());
            GroupFiles files;
            try {
                files = GroupFiles.create(directory, name, settings, start);
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot create consumer group '" + name + "': " + e.getMessage(), e);
            }
            ConsumerGroup group = new ConsumerGroup(name, settings, files, start, List.of(), runtime);
            groups.put(name, group);
            group.start();
            return new GroupCreation(group, true);
        } finally {
            changes.unlock();
        }
    }

    /**
     * The group of that name.
     *
     * @throws StrataException {@code not_found} when there is none
     */
    public ConsumerGroup get(String name) {
        ensureOpen();
        ConsumerGroup group = name == null ? null : groups.get(name);
        if (group == null) {
            throw ConsumerGroup.notFound(name);
        }
        return group;
    }

    /** The group of that name, if there is one. */
    public Optional<ConsumerGroup> find(String name) {
        ensureOpen();
        return Optional.ofNullable(name == null ? null : groups.get(name));
    }

    /** Every group's status, by name. */
    public List<GroupStatus> list() {
        ensureOpen();
        List<ConsumerGroup> all = new ArrayList<>(groups.values());
        all.sort(Comparator.comparing(ConsumerGroup::name));
        List<GroupStatus> statuses = new ArrayList<>(all.size());
        for (ConsumerGroup group : all) {
            try {
                statuses.add(group.status());
            } catch (StrataException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e; // a group deleted meanwhile is simply left out
                }
            }
        }
        return statuses;
    }

    /**
     * Deletes a group and its files: waiting fetches end with {@code not_found}, and so does every
     * later call on it.
     *
     * @throws StrataException {@code not_found} when there is none
     */
    public void delete(String name) {
        changes.lock();
        try {
            ensureOpen();
            ConsumerGroup group = name == null ? null : groups.remove(name);
            if (group == null) {
                throw ConsumerGroup.notFound(name);
            }
            try {
                group.delete();
            } catch (IOException e) {
                throw new StoreUnavailableException("consumer group '" + name + "' was stopped but its files could not be removed: "
                        + e.getMessage(), e);
            }
        } finally {
            changes.unlock();
        }
    }

    /** Stops every group, writes their last checkpoints and stops the timers. Idempotent. */
    @Override
    public void close() {
        shutdown(true);
    }

    /**
     * Stops as if the process died: no last checkpoint is written (for crash tests). Writes already
     * under way finish, and nothing is written after this returns.
     */
    void abandon() {
        shutdown(false);
    }

    private void shutdown(boolean writeLastCheckpoints) {
        changes.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            checkpoints.cancel(false);
            if (!writeLastCheckpoints) {
                scheduler.shutdownNow();
                awaitScheduler();
            }
            for (ConsumerGroup group : groups.values()) {
                group.close(writeLastCheckpoints);
            }
            scheduler.shutdown();
            awaitScheduler();
        } finally {
            changes.unlock();
        }
    }

    private void awaitScheduler() {
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeCheckpoints() {
        for (ConsumerGroup group : groups.values()) {
            group.writeCheckpointQuietly();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreUnavailableException("consumer groups are closed");
        }
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidRequestException("a consumer group name is 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'; got "
                    + (name == null ? "none" : "'" + name + "'"));
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "strata-groups-timer-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
