package io.strata.storage.crash;

import io.strata.storage.io.FileIO;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The real file system without fsync. For tests that reopen a damaged image thousands of times and
 * examine what recovery makes of the bytes, not what reaches the platter: at ~1 ms an fsync and
 * ~8 fsyncs an open-append-close, the bit-flip tests would otherwise take half a minute.
 */
final class NoSyncFileIO implements FileIO {
    static final NoSyncFileIO INSTANCE = new NoSyncFileIO();
    private final FileIO real = FileIO.standard();

    private NoSyncFileIO() {
    }

    @Override
    public StorageFile open(Path path, boolean create) throws IOException {
        StorageFile file = real.open(path, create);
        return new StorageFile() {
            @Override
            public void write(ByteBuffer source, long position) throws IOException {
                file.write(source, position);
            }

            @Override
            public int read(ByteBuffer target, long position) throws IOException {
                return file.read(target, position);
            }

            @Override
            public void force() {
                // not what these tests examine
            }

            @Override
            public void truncate(long size) throws IOException {
                file.truncate(size);
            }

            @Override
            public long size() throws IOException {
                return file.size();
            }

            @Override
            public ByteBuffer mapReadOnly(long position, long size) throws IOException {
                return file.mapReadOnly(position, size);
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public StorageFile openReadOnly(Path path) throws IOException {
        return real.openReadOnly(path);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        real.rename(source, target);
    }

    @Override
    public void delete(Path path) throws IOException {
        real.delete(path);
    }

    @Override
    public void syncDirectory(Path directory) {
        // not what these tests examine
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        real.createDirectories(directory);
    }

    @Override
    public List<Path> list(Path directory, String suffix) throws IOException {
        return real.list(directory, suffix);
    }

    @Override
    public boolean exists(Path path) {
        return real.exists(path);
    }
}
