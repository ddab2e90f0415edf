package io.strata.storage.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link FileIO} on the real file system through {@link FileChannel}. */
final class StandardFileIO implements FileIO {
    static final StandardFileIO INSTANCE = new StandardFileIO();

    private StandardFileIO() {
    }

    @Override
    public StorageFile open(Path path, boolean create) throws IOException {
        FileChannel channel = create
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new ChannelFile(channel);
    }

    @Override
    public StorageFile openReadOnly(Path path) throws IOException {
        return new ChannelFile(FileChannel.open(path, StandardOpenOption.READ));
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        // On Linux a directory opened for reading can be fsync'd; that makes renames durable.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        Files.createDirectories(directory);
    }

    @Override
    public List<Path> list(Path directory, String suffix) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> result = new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList());
            result.sort(null);
            return result;
        }
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    private record ChannelFile(FileChannel channel) implements StorageFile {
        @Override
        public void write(ByteBuffer source, long position) throws IOException {
            long at = position;
            while (source.hasRemaining()) {
                at += channel.write(source, at);
            }
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            int total = 0;
            while (target.hasRemaining()) {
                int n = channel.read(target, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public void force() throws IOException {
            channel.force(false);
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public ByteBuffer mapReadOnly(long position, long size) throws IOException {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
