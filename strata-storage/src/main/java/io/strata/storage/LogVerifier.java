package io.strata.storage;

import io.strata.core.CorruptedDataException;
import io.strata.storage.io.FileIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Checks a store folder record by record: framing, CRC32C, gap-free positions and the hash chain
 * from the first record to the last. Read-only; never repairs anything. Zeros after the last record of
 * the newest segment are space written ahead (see {@link Segment}), not damage.
 */
public final class LogVerifier {
    private static final long PROGRESS_EVERY = 100_000;

    private LogVerifier() {
    }

    /**
     * Verifies the log in {@code directory}, reporting the number of records checked so far to
     * {@code progress} every {@value #PROGRESS_EVERY} records.
     *
     * @throws io.strata.core.StoreUnavailableException a process has the store open: its tail may be
     *         mid-write, so a verdict now could be wrong
     */
    public static VerifyReport verify(Path directory, LongConsumer progress) throws IOException {
        Path lockFile = directory.resolve(EmbeddedEventStore.LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return verifyUnlocked(directory, progress);
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new io.strata.core.StoreUnavailableException("the store at " + directory
                        + " is open in a process; close it (or stop the server) before verifying");
            }
            try {
                return verifyUnlocked(directory, progress);
            } finally {
                lock.release();
            }
        }
    }

    private static VerifyReport verifyUnlocked(Path directory, LongConsumer progress) throws IOException {
        FileIO io = FileIO.standard();
        Path logDirectory = directory.resolve(EmbeddedEventStore.LOG_DIRECTORY);
        if (!Files.isDirectory(logDirectory)) {
            throw new java.nio.file.NoSuchFileException(logDirectory.toString(), null, "no store log folder");
        }
        List<Segment> segments = new ArrayList<>();
        try {
            for (Path path : io.list(logDirectory, Segment.SUFFIX)) {
                try {
                    segments.add(Segment.open(io, path, false));
                } catch (Segment.TornHeaderException | CorruptedDataException e) {
                    return new VerifyReport(0, segments.size(), Optional.of("segment " + path.getFileName()
                            + " has a damaged header: " + e.getMessage()));
                }
            }
            RecordScanner scanner = new RecordScanner(0, ChainHasher.zero(), EmbeddedEventStore.MAX_RECORD_BYTES);
            long[] records = {0};
            for (int i = 0; i < segments.size(); i++) {
                Segment segment = segments.get(i);
                if (segment.basePosition() != scanner.nextPosition()) {
                    return new VerifyReport(records[0], i + 1, Optional.of("segment " + segment + " starts at position "
                            + segment.basePosition() + " but the log before it ends at " + scanner.nextPosition()
                            + " (records were removed or a segment is missing)"));
                }
                RecordScanner.Problem problem = scanner.scan(segment, Segment.HEADER_BYTES, (buf, offset, address) -> {
                    if (++records[0] % PROGRESS_EVERY == 0) {
                        progress.accept(records[0]);
                    }
                });
                boolean newest = i == segments.size() - 1;
                if (problem != null && !(newest && RecordScanner.onlyZerosFrom(segment, problem.offset()))) {
                    return new VerifyReport(records[0], i + 1, Optional.of(problem.describe()));
                }
            }
            progress.accept(records[0]);
            return new VerifyReport(records[0], segments.size(), Optional.empty());
        } finally {
            for (Segment segment : segments) {
                segment.close();
            }
        }
    }
}
