package io.strata.storage.fault;

import io.strata.core.StrataException;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.ForwardingFileIO;
import io.strata.storage.io.ForwardingStorageFile;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * A {@link FileIO} over the real file system that injects faults on request, and remembers what an
 * fsync made durable so a power cut can be simulated.
 *
 * <ul>
 *   <li><b>Fail the Nth call</b> of an operation ({@link #failNth}), or every call from the Nth on
 *       ({@link #failFrom}), optionally only for files whose path matches a predicate.</li>
 *   <li><b>Disk full</b> ({@link #diskFull}): writes use up a byte budget; the write that crosses it
 *       writes what still fits (a short write, as a real full disk does) and then throws
 *       {@code IOException("No space left on device")}.</li>
 *   <li><b>Power cut</b> ({@link #cutPower}, {@link #cutPowerAtOperation}): from then on every mutating
 *       call throws; {@link #restoreDurableState()} then rewrites the folder to what an fsync'd disk
 *       would hold after the machine came back: every file cut back to the size it had at its last
 *       {@code force}, files created or renamed since their folder's last {@code syncDirectory} gone
 *       (renames undone, deleted files back). Two harsher variants model disks and file systems
 *       that wrote back some unsynced pages out of order ({@link #restoreDurableState(Random)}) or
 *       kept the new file sizes but not the data ({@link #restoreDurableSizesWithZeros()}).</li>
 *   <li>Every injected fault is recorded with the engine method that hit it ({@link #injectedFaults()}).</li>
 * </ul>
 *
 * <p>The power-cut model keeps, per file, the size made durable by the last fsync and the old bytes of
 * every range written inside that size since (the engine overwrites the zeros it wrote ahead of the
 * log, ADR 0005): a power cut puts those old bytes back. An fsync covers what was written before it
 * began: a write racing with it counts as not yet durable. Files that existed before this FileIO first
 * saw them count as durable.
 *
 * <p>Thread-safe.
 */
public final class FaultyFileIO extends ForwardingFileIO {

    /** The operations faults can be injected into. */
    public enum Op { WRITE, FORCE, TRUNCATE, RENAME, DELETE, SYNC_DIRECTORY, CREATE }

    /** Message of the IOException a full disk raises on Linux (the engine recognises it). */
    public static final String NO_SPACE = "No space left on device";
    private static final int PAGE = 4096;

    private final FileIO delegate;
    private final Map<Op, List<Rule>> rules = new EnumMap<>(Op.class);
    private final Map<Op, Long> counts = new EnumMap<>(Op.class);
    private final List<String> injected = new ArrayList<>();
    private long diskBudget = -1;
    private long mutatingOps;
    private long powerCutAt = -1;
    private int overwritesUndone;
    private volatile boolean powerCut;

    // The durability model: nodes are files (inodes); paths name them now, durableEntries as of the
    // last syncDirectory of each folder.
    private final Map<Path, Node> current = new HashMap<>();
    private final Map<Path, Map<Path, Node>> durableEntries = new HashMap<>();

    private static final class Node {
        long durableLength;
        Path path;
        byte[] saved;
        /** Ranges written inside {@link #durableLength} since the last fsync, with what they held, oldest first. */
        final List<Overwrite> overwrites = new ArrayList<>();

        Node(Path path, long durableLength) {
            this.path = path;
            this.durableLength = durableLength;
        }
    }

    private record Overwrite(long position, byte[] old) {
    }

    private static final class Rule {
        final int from;
        final boolean once;
        final Predicate<Path> which;
        final String message;
        int seen;

        Rule(int from, boolean once, Predicate<Path> which, String message) {
            this.from = from;
            this.once = once;
            this.which = which;
            this.message = message;
        }
    }

    public FaultyFileIO() {
        this(FileIO.standard());
    }

    public FaultyFileIO(FileIO delegate) {
        super(delegate);
        this.delegate = delegate;
    }

    // ---- arming faults ----

    /** The {@code n}th call (1 = the next one) of {@code op} on any file throws an IOException. */
    public FaultyFileIO failNth(Op op, int n) {
        return failNth(op, n, p -> true);
    }

    /** The {@code n}th call of {@code op} on a file matching {@code which} throws an IOException. */
    public synchronized FaultyFileIO failNth(Op op, int n, Predicate<Path> which) {
        rules.computeIfAbsent(op, o -> new ArrayList<>()).add(new Rule(n, true, which, "injected " + op + " failure"));
        return this;
    }

    /** Every call of {@code op} from the {@code n}th on, on a file matching {@code which}, throws. */
    public synchronized FaultyFileIO failFrom(Op op, int n, Predicate<Path> which) {
        rules.computeIfAbsent(op, o -> new ArrayList<>()).add(new Rule(n, false, which, "injected " + op + " failure"));
        return this;
    }

    /** Like {@link #failFrom} with the given exception message (e.g. an EIO text for writes). */
    public synchronized FaultyFileIO failFrom(Op op, int n, Predicate<Path> which, String message) {
        rules.computeIfAbsent(op, o -> new ArrayList<>()).add(new Rule(n, false, which, message));
        return this;
    }

    /** From now on writes may use {@code bytes} more bytes; then the disk is full. */
    public synchronized FaultyFileIO diskFull(long bytes) {
        diskBudget = bytes;
        return this;
    }

    /** Clears every armed fault and the disk-full budget (not a power cut). */
    public synchronized FaultyFileIO heal() {
        rules.clear();
        diskBudget = -1;
        return this;
    }

    /** Calls of {@code op} so far (including failed ones). */
    public synchronized long count(Op op) {
        return counts.getOrDefault(op, 0L);
    }

    /** The faults injected so far: operation, file and the engine method that called, e.g. "FORCE 0…14.log in Segment.create". */
    public synchronized List<String> injectedFaults() {
        return List.copyOf(injected);
    }

    private static String engineCaller() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> f.getClassName().startsWith("io.strata.storage.") && !f.getClassName().startsWith("io.strata.storage.fault."))
                .findFirst()
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                .orElse("?"));
    }

    /** Page-sized pieces of overwritten ranges that the restores so far put back to their fsync'd bytes. */
    public synchronized int overwritesUndone() {
        return overwritesUndone;
    }

    /** Mutating calls so far (create, write, force, truncate, rename, delete, syncDirectory). */
    public synchronized long mutatingOperations() {
        return mutatingOps;
    }

    /** The power goes off: every mutating call from now on throws. */
    public void cutPower() {
        powerCut = true;
    }

    /**
     * The power goes off, then {@code store} is closed: a close that fails because the writer could not
     * finish is what a power cut does, so that failure is expected and dropped.
     */
    public void cutPowerUnder(EmbeddedEventStore store) {
        cutPower();
        try {
            store.close();
        } catch (StrataException e) {
            // the power is off
        }
    }

    /** The power goes off just before the {@code n}th mutating call from now (1 = the next one). */
    public synchronized void cutPowerAtOperation(long n) {
        powerCutAt = mutatingOps + n;
    }

    public boolean powerIsCut() {
        return powerCut;
    }

    /**
     * After {@link #cutPower}: rewrites the tracked files to their durable state (see the class
     * comment). Call once nothing uses the store any more; open the store again with a new FileIO.
     */
    public synchronized void restoreDurableState() throws IOException {
        restore(node -> durableContent(node));
    }

    /**
     * Like {@link #restoreDurableState()}, but as a disk that wrote back some of the unsynced pages
     * before the power went: of each file's bytes after its last fsync, each 4 KiB page (by file
     * offset) survives or reads as zeros at random, and the file keeps a random length between its
     * fsync'd and its last size. What was fsync'd is never touched.
     */
    public synchronized void restoreDurableState(Random random) throws IOException {
        restore(node -> somePages(node, random));
    }

    /**
     * Like {@link #restoreDurableState()}, but as a file system that made the files' new sizes
     * durable and none of the unsynced data: every byte after a file's last fsync reads as zero
     * (ext4 with data=writeback, XFS's "zero-length files" after a crash).
     */
    public synchronized void restoreDurableSizesWithZeros() throws IOException {
        restore(node -> {
            byte[] all = node.path != null ? Files.readAllBytes(node.path) : node.saved;
            int durable = (int) Math.min(all.length, node.durableLength);
            java.util.Arrays.fill(all, durable, all.length, (byte) 0);
            undoOverwrites(node, all, null);
            return all;
        });
    }

    private interface Content {
        byte[] of(Node node) throws IOException;
    }

    private void restore(Content content) throws IOException {
        if (!powerCut) {
            throw new IllegalStateException("the power is still on");
        }
        Map<Path, byte[]> survivors = new LinkedHashMap<>();
        for (Map<Path, Node> entries : durableEntries.values()) {
            for (Map.Entry<Path, Node> e : entries.entrySet()) {
                survivors.put(e.getKey(), content.of(e.getValue()));
            }
        }
        for (Path path : current.keySet()) {
            Files.deleteIfExists(path);
        }
        for (Map.Entry<Path, byte[]> e : survivors.entrySet()) {
            Files.write(e.getKey(), e.getValue());
        }
        current.clear();
        durableEntries.clear();
    }

    private byte[] somePages(Node node, Random random) throws IOException {
        byte[] all = node.path != null ? Files.readAllBytes(node.path) : node.saved;
        int durable = (int) Math.min(all.length, node.durableLength);
        if (durable == all.length) {
            undoOverwrites(node, all, random);
            return all;
        }
        int length = random.nextBoolean() ? all.length : durable + random.nextInt(all.length - durable + 1);
        byte[] out = java.util.Arrays.copyOf(all, length);
        for (int page = durable / PAGE * PAGE; page < length; page += PAGE) {
            if (random.nextBoolean()) {
                java.util.Arrays.fill(out, Math.max(page, durable), Math.min(page + PAGE, length), (byte) 0);
            }
        }
        undoOverwrites(node, out, random);
        return out;
    }

    private byte[] durableContent(Node node) throws IOException {
        byte[] all = node.path != null ? Files.readAllBytes(node.path) : node.saved;
        int length = (int) Math.min(all.length, node.durableLength);
        byte[] out = new byte[length];
        System.arraycopy(all, 0, out, 0, length);
        undoOverwrites(node, out, null);
        return out;
    }

    /**
     * Puts back the old bytes of ranges overwritten since the last fsync, newest first so the oldest
     * (the durable ones) win; with {@code random}, each 4 KiB page of them is put back or not, as a
     * disk that wrote back some pages before the power went.
     */
    private void undoOverwrites(Node node, byte[] content, Random random) {
        for (int i = node.overwrites.size() - 1; i >= 0; i--) {
            Overwrite overwrite = node.overwrites.get(i);
            long end = Math.min(overwrite.position() + overwrite.old().length, content.length);
            for (long from = overwrite.position(); from < end; from = (from / PAGE + 1) * PAGE) {
                long to = Math.min(end, (from / PAGE + 1) * PAGE);
                if (random == null || random.nextBoolean()) {
                    System.arraycopy(overwrite.old(), (int) (from - overwrite.position()), content, (int) from, (int) (to - from));
                    overwritesUndone++;
                }
            }
        }
    }

    // ---- checks done before each call ----

    private synchronized void before(Op op, Path path) throws IOException {
        counts.merge(op, 1L, Long::sum);
        mutatingOps++;
        if (powerCutAt >= 0 && mutatingOps >= powerCutAt) {
            powerCut = true;
        }
        if (powerCut) {
            throw new IOException("simulated power cut (" + op + " " + path + ")");
        }
        List<Rule> list = rules.get(op);
        if (list == null) {
            return;
        }
        for (Rule rule : list) {
            if (!rule.which.test(path)) {
                continue;
            }
            rule.seen++;
            if (rule.once ? rule.seen == rule.from : rule.seen >= rule.from) {
                injected.add(op + " " + path.getFileName() + " in " + engineCaller());
                throw new IOException(rule.message + " (" + path.getFileName() + ")");
            }
        }
    }

    private Node track(Path path) throws IOException {
        Node node = current.get(path);
        if (node == null) {
            // Seen for the first time and already there: it was made durable before we watched.
            node = new Node(path, Files.size(path));
            current.put(path, node);
            durableEntries.computeIfAbsent(path.getParent(), d -> new HashMap<>()).put(path, node);
        }
        return node;
    }

    private boolean isDurablyNamed(Node node) {
        for (Map<Path, Node> entries : durableEntries.values()) {
            if (entries.containsValue(node)) {
                return true;
            }
        }
        return false;
    }

    // ---- FileIO ----

    @Override
    public StorageFile open(Path path, boolean create) throws IOException {
        path = path.toAbsolutePath();
        Node node;
        synchronized (this) {
            boolean exists = Files.exists(path);
            if (!exists && create) {
                before(Op.CREATE, path);
            } else if (powerCut) {
                throw new IOException("simulated power cut (open " + path + ")");
            }
            StorageFile file = delegate.open(path, create);
            if (exists) {
                node = track(path);
            } else {
                node = new Node(path, 0);
                current.put(path, node);
            }
            return new FaultyFile(path, node, file);
        }
    }

    @Override
    public StorageFile openReadOnly(Path path) throws IOException {
        return delegate.openReadOnly(path);
    }

    @Override
    public synchronized void rename(Path source, Path target) throws IOException {
        source = source.toAbsolutePath();
        target = target.toAbsolutePath();
        before(Op.RENAME, target);
        Node moving = track(source);
        Node displaced = Files.exists(target) ? track(target) : null;
        if (displaced != null && isDurablyNamed(displaced)) {
            displaced.saved = Files.readAllBytes(target);
        }
        delegate.rename(source, target);
        current.remove(source);
        if (displaced != null) {
            displaced.path = null;
        }
        moving.path = target;
        current.put(target, moving);
    }

    @Override
    public synchronized void delete(Path path) throws IOException {
        path = path.toAbsolutePath();
        before(Op.DELETE, path);
        Node node = Files.exists(path) ? track(path) : current.get(path);
        if (node != null && node.path != null && isDurablyNamed(node)) {
            node.saved = Files.readAllBytes(path);
        }
        delegate.delete(path);
        if (node != null) {
            current.remove(path);
            node.path = null;
        }
    }

    @Override
    public synchronized void syncDirectory(Path directory) throws IOException {
        Path dir = directory.toAbsolutePath();
        before(Op.SYNC_DIRECTORY, dir);
        delegate.syncDirectory(directory);
        Map<Path, Node> entries = new HashMap<>();
        for (Map.Entry<Path, Node> e : current.entrySet()) {
            if (dir.equals(e.getKey().getParent())) {
                entries.put(e.getKey(), e.getValue());
            }
        }
        // Untracked files already there count as durable; track them so a power cut keeps them.
        for (Path p : delegate.list(dir, "")) {
            Path abs = p.toAbsolutePath();
            if (!entries.containsKey(abs) && Files.isRegularFile(abs) && !abs.getFileName().toString().equals("LOCK")) {
                entries.put(abs, track(abs));
            }
        }
        durableEntries.put(dir, entries);
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        if (powerCut) {
            throw new IOException("simulated power cut (createDirectories " + directory + ")");
        }
        delegate.createDirectories(directory);
    }

    /** One open file: checks faults, spends the disk budget, records what force made durable. */
    private final class FaultyFile extends ForwardingStorageFile {
        private final Path path;
        private final Node node;
        private final StorageFile delegate;

        FaultyFile(Path path, Node node, StorageFile delegate) {
            super(delegate);
            this.path = path;
            this.node = node;
            this.delegate = delegate;
        }

        @Override
        public void write(ByteBuffer source, long position) throws IOException {
            int allowed;
            synchronized (FaultyFileIO.this) {
                before(Op.WRITE, path);
                allowed = source.remaining();
                if (diskBudget >= 0) {
                    allowed = (int) Math.min(allowed, diskBudget);
                    diskBudget -= allowed;
                }
            }
            rememberOverwrite(position, allowed);
            if (allowed < source.remaining()) {
                if (allowed > 0) {
                    ByteBuffer part = source.duplicate();
                    part.limit(part.position() + allowed);
                    delegate.write(part, position);
                }
                throw new IOException(NO_SPACE);
            }
            delegate.write(source, position);
        }

        /** Saves what a write of {@code length} bytes at {@code position} replaces inside the durable size. */
        private void rememberOverwrite(long position, int length) throws IOException {
            long durable;
            synchronized (FaultyFileIO.this) {
                durable = node.durableLength;
            }
            if (position >= durable || length == 0) {
                return;
            }
            ByteBuffer old = ByteBuffer.allocate((int) Math.min(length, durable - position));
            while (old.hasRemaining() && delegate.read(old, position + old.position()) > 0) {
                // read until full, or until the end of a file an unsynced truncate shortened
            }
            synchronized (FaultyFileIO.this) {
                node.overwrites.add(new Overwrite(position, java.util.Arrays.copyOf(old.array(), old.position())));
            }
        }

        @Override
        public void force() throws IOException {
            long coveredLength;
            int coveredOverwrites;
            synchronized (FaultyFileIO.this) {
                before(Op.FORCE, path);
                coveredLength = delegate.size();
                coveredOverwrites = node.overwrites.size();
            }
            delegate.force();
            synchronized (FaultyFileIO.this) {
                node.durableLength = Math.min(coveredLength, delegate.size());
                node.overwrites.subList(0, coveredOverwrites).clear();
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            before(Op.TRUNCATE, path);
            delegate.truncate(size);
            synchronized (FaultyFileIO.this) {
                node.durableLength = Math.min(node.durableLength, size);
            }
        }
    }
}
