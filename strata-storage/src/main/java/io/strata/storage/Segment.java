package io.strata.storage;

import io.strata.core.CorruptedDataException;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * One segment file of the log: a header, then records back to back ({@link RecordFormat}).
 * Files are named by their first position, zero-padded so {@code ls} sorts them.
 *
 * <pre>
 *  0          8         12        16              24              32                 60       64
 *  +----------+---------+---------+---------------+---------------+------------------+--------+
 *  | STRATSEG | version | hdr len | base position | base address  | reserved (zeros) | crc32c |
 *  +----------+---------+---------+---------------+---------------+------------------+--------+
 * </pre>
 *
 * <p>{@code base address} is the log-wide byte address of this file's byte 0: addresses grow across
 * segments, so an index entry names a record anywhere in the log with one number.
 *
 * <p>The newest segment may end in zeros: space written ahead of the records ({@link #preallocate}),
 * so that an fsync after an append need not also commit a new file size. Recovery cuts them (a record
 * cannot start with a zero length); sealing and a clean close trim them ({@link #trimToSize}).
 * <pre>
 *  | header | records …                   | zeros …                  |
 *  0        64                          size()                  allocated (file size)
 * </pre>
 *
 * <p>Thread rule: one writer appends; any number of readers read concurrently by position.
 */
final class Segment implements AutoCloseable {
    static final int HEADER_BYTES = 64;
    static final String SUFFIX = ".log";
    private static final byte[] MAGIC = "STRATSEG".getBytes(StandardCharsets.US_ASCII);
    /** Version 2: the record layout of RecordFormat with flags at byte 32 and the two-level chain hash. */
    private static final int VERSION = 4;
    /** Written from, a chunk at a time, to zero-fill ahead (direct: the channel writes it without a copy). */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 << 10).asReadOnlyBuffer();

    private final Path path;
    private final long basePosition;
    private final long baseAddress;
    private final StorageFile file;
    private volatile long size;
    /** The file's size: {@link #size} plus the zeros written ahead. Writer only. */
    private long allocated;

    private Segment(Path path, long basePosition, long baseAddress, StorageFile file, long size) {
        this.path = path;
        this.basePosition = basePosition;
        this.baseAddress = baseAddress;
        this.file = file;
        this.size = size;
        this.allocated = size;
    }

    static Path pathFor(Path logDirectory, long basePosition) {
        return logDirectory.resolve(String.format("%020d%s", basePosition, SUFFIX));
    }

    /**
     * Creates a new, empty segment and makes its header durable. On failure the file is deleted, so
     * no half-made segment is left to confuse a later open.
     *
     * @throws SyncFailedException an fsync of the file or folder failed (fatal for a writer)
     */
    static Segment create(FileIO io, Path logDirectory, long basePosition, long baseAddress) throws IOException {
        return create(io, logDirectory, basePosition, baseAddress, null);
    }

    /**
     * As {@link #create(FileIO, Path, long, long)}, made from {@code spare} when not null: a file of zeros
     * already durable ({@link SpareSegment}), renamed into place, whose zeros are then the segment's space
     * written ahead.
     */
    static Segment create(FileIO io, Path logDirectory, long basePosition, long baseAddress, Path spare) throws IOException {
        Path path = pathFor(logDirectory, basePosition);
        if (spare != null) {
            io.rename(spare, path);
        }
        StorageFile file = io.open(path, spare == null);
        long allocated = HEADER_BYTES;
        try {
            if (spare == null) {
                file.truncate(0);
            } else {
                allocated = Math.max(HEADER_BYTES, file.size());
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            header.put(MAGIC).putInt(VERSION).putInt(HEADER_BYTES).putLong(basePosition).putLong(baseAddress);
            CRC32C crc = new CRC32C();
            crc.update(header.array(), 0, HEADER_BYTES - 4);
            header.putInt(HEADER_BYTES - 4, (int) crc.getValue());
            header.clear();
            file.write(header, 0);
            try {
                file.force();
                io.syncDirectory(logDirectory);
            } catch (IOException e) {
                throw new SyncFailedException("fsync while creating segment " + path + " failed: " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            file.close();
            try {
                io.delete(path);
            } catch (IOException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            throw e;
        }
        Segment segment = new Segment(path, basePosition, baseAddress, file, HEADER_BYTES);
        segment.allocated = allocated;
        return segment;
    }

    /** An fsync failed: after that the kernel may have dropped dirty pages, so the caller must stop. */
    static final class SyncFailedException extends IOException {
        SyncFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Opens an existing segment, checking its header. */
    static Segment open(FileIO io, Path path, boolean writable) throws IOException {
        StorageFile file = writable ? io.open(path, false) : io.openReadOnly(path);
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            int read = file.read(header, 0);
            if (read < HEADER_BYTES) {
                throw new TornHeaderException(path, read);
            }
            CRC32C crc = new CRC32C();
            crc.update(header.array(), 0, HEADER_BYTES - 4);
            if ((int) crc.getValue() != header.getInt(HEADER_BYTES - 4)
                    || !ByteBuffer.wrap(MAGIC).equals(header.slice(0, MAGIC.length))) {
                throw new TornHeaderException(path, read);
            }
            if (header.getInt(8) != VERSION) {
                throw new CorruptedDataException("segment " + path + " has format version " + header.getInt(8)
                        + "; this Strata reads version " + VERSION + " (the store was written by an earlier,"
                        + " unreleased build; there is no converter: read it with that build)");
            }
            return new Segment(path, header.getLong(16), header.getLong(24), file, file.size());
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    long basePosition() {
        return basePosition;
    }

    long baseAddress() {
        return baseAddress;
    }

    /** Bytes in the file, header included. */
    long size() {
        return size;
    }

    /** The log address just past the last byte of this segment. */
    long endAddress() {
        return baseAddress + size;
    }

    boolean contains(long address) {
        return address >= baseAddress && address < baseAddress + size;
    }

    /** Appends {@code bytes} at the end. Only the writer calls this. */
    void append(ByteBuffer bytes) throws IOException {
        long at = size;
        int n = bytes.remaining();
        file.write(bytes, at);
        size = at + n;
        allocated = Math.max(allocated, size);
    }

    void force() throws IOException {
        file.force();
    }

    /** Bytes in the file, the zeros written ahead included. */
    long allocated() {
        return allocated;
    }

    /**
     * Writes zeros from the end of the file up to {@code fileSize} (not made durable here: the next fsync
     * commits them with the new size, once). On failure, e.g. a full disk, cuts the file back to the
     * records and rethrows: nothing half-allocated is left behind.
     */
    void preallocate(long fileSize) throws IOException {
        try {
            while (allocated < fileSize) {
                ByteBuffer zeros = ZEROS.duplicate();
                zeros.limit((int) Math.min(zeros.capacity(), fileSize - allocated));
                int n = zeros.remaining();
                file.write(zeros, allocated);
                allocated += n;
            }
        } catch (IOException e) {
            try {
                file.truncate(size);
                allocated = size;
            } catch (IOException truncateFailure) {
                e.addSuppressed(truncateFailure);
            }
            throw e;
        }
    }

    /** Cuts the zeros written ahead off the file (not fsync'd: a crash leaves them, and recovery cuts them). */
    void trimToSize() throws IOException {
        if (allocated > size) {
            file.truncate(size);
            allocated = size;
        }
    }

    /** Cuts the file back to {@code newSize} bytes and makes that durable. */
    void truncate(long newSize) throws IOException {
        file.truncate(newSize);
        file.force();
        size = newSize;
        allocated = newSize;
    }

    /** Reads from a log address into {@code target}; returns the bytes read. */
    int read(ByteBuffer target, long address) throws IOException {
        return file.read(target, address - baseAddress);
    }

    /** Lets the operating system drop this segment's cached pages (see {@link PageCacheTrimmer}). */
    boolean dropCachedPages() {
        return file.dropCachedPages();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }

    /** The header is missing or unreadable: only acceptable for the newest segment (a crash while creating it). */
    static final class TornHeaderException extends IOException {
        TornHeaderException(Path path, int bytesRead) {
            super("segment " + path + " has no valid header (" + bytesRead + " bytes)");
        }
    }
}
