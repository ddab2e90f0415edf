package io.strata.storage;

import io.strata.core.CorruptedDataException;
import io.strata.storage.io.FileIO;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * What the index files cover, so that opening a store replays only the log after it instead of
 * rescanning every sealed segment. Written atomically (temporary file, fsync, rename, directory fsync)
 * after the index files it names are durable.
 *
 * <pre>
 *  +----------+---------+---------------+--------------+-----------------+-------------------+
 *  | STRATCKP | version | next position | next address | chain hash (32) | last recorded µs  |
 *  +----------+---------+---------------+--------------+-----------------+-------------------+
 *  | streams  | index file count n | n × (name length u16, UTF-8 name)                       |
 *  +----------+--------------------+---------------------------------------------------------+
 *  | sparse entry count m | m × (position, address, recorded µs) | crc32c of all before (4)  |
 *  +----------------------+--------------------------------------+---------------------------+
 * </pre>
 *
 * @param nextPosition     the first position not covered by the index files
 * @param nextAddress      the log address of that position's record (where replay starts)
 * @param chainHash        the chain hash of the record before it
 * @param lastRecordedMicros recorded time of the record before it
 * @param streams          streams created before it
 * @param indexFiles       file names (in the index folder) that hold the covered entries
 * @param sparsePositions  the {@link SparsePositionIndex} entries before it
 */
record Checkpoint(long nextPosition, long nextAddress, byte[] chainHash, long lastRecordedMicros, long streams,
                  List<String> indexFiles, long[] sparsePositions) {
    static final String FILE_NAME = "checkpoint";
    private static final byte[] MAGIC = "STRATCKP".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    void write(FileIO io, Path directory) throws IOException {
        int size = 8 + 4 + 8 + 8 + 32 + 8 + 8 + 4 + 4 + 8 * sparsePositions.length + 4;
        for (String name : indexFiles) {
            size += 2 + name.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(MAGIC).putInt(VERSION).putLong(nextPosition).putLong(nextAddress).put(chainHash)
                .putLong(lastRecordedMicros).putLong(streams).putInt(indexFiles.size());
        for (String name : indexFiles) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            out.putShort((short) bytes.length).put(bytes);
        }
        out.putInt(sparsePositions.length / 3);
        for (long v : sparsePositions) {
            out.putLong(v);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        out.flip();
        Path temporary = directory.resolve(FILE_NAME + ".tmp");
        try (StorageFile file = io.open(temporary, true)) {
            file.truncate(0);
            file.write(out, 0);
            file.force();
        }
        io.rename(temporary, directory.resolve(FILE_NAME));
        io.syncDirectory(directory);
    }

    static Optional<Checkpoint> read(FileIO io, Path directory) throws IOException {
        Path path = directory.resolve(FILE_NAME);
        if (!io.exists(path)) {
            return Optional.empty();
        }
        ByteBuffer in;
        try (StorageFile file = io.openReadOnly(path)) {
            in = ByteBuffer.allocate((int) file.size());
            file.read(in, 0);
            in.flip();
        }
        try {
            CRC32C crc = new CRC32C();
            crc.update(in.array(), 0, in.limit() - 4);
            if ((int) crc.getValue() != in.getInt(in.limit() - 4) || !in.slice(0, 8).equals(ByteBuffer.wrap(MAGIC))) {
                throw new CorruptedDataException("checkpoint " + path + " fails its checksum");
            }
            in.position(8);
            if (in.getInt() != VERSION) {
                throw new CorruptedDataException("checkpoint " + path + " has an unknown version");
            }
            long nextPosition = in.getLong();
            long nextAddress = in.getLong();
            byte[] hash = new byte[32];
            in.get(hash);
            long lastRecorded = in.getLong();
            long streams = in.getLong();
            int files = in.getInt();
            List<String> names = new ArrayList<>(files);
            for (int i = 0; i < files; i++) {
                byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(name);
                names.add(new String(name, StandardCharsets.UTF_8));
            }
            long[] sparse = new long[in.getInt() * 3];
            for (int i = 0; i < sparse.length; i++) {
                sparse[i] = in.getLong();
            }
            return Optional.of(new Checkpoint(nextPosition, nextAddress, hash, lastRecorded, streams, List.copyOf(names), sparse));
        } catch (RuntimeException e) {
            if (e instanceof CorruptedDataException) {
                throw e;
            }
            throw new CorruptedDataException("checkpoint " + path + " is unreadable: " + e.getMessage(), e);
        }
    }
}
