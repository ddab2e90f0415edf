package io.strata.storage.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
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
        return new ChannelFile(path, channel);
    }

    @Override
    public StorageFile openReadOnly(Path path) throws IOException {
        return new ChannelFile(path, null);
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

    /**
     * A file with one channel for writing and another for reading.
     *
     * <p>Design note: a {@link FileChannel} is closed for every thread when a thread blocked in it is
     * interrupted. Readers are any threads (a server interrupts request threads when clients go away),
     * so they get their own channel, reopened when an interrupt closed it; the write channel is used
     * only by the writer thread, which is never interrupted.
     */
    private static final class ChannelFile implements StorageFile {
        private final Path path;
        private final FileChannel writeChannel;
        private volatile FileChannel readChannel;
        private volatile boolean closed;

        ChannelFile(Path path, FileChannel writeChannel) throws IOException {
            this.path = path;
            this.writeChannel = writeChannel;
            this.readChannel = FileChannel.open(path, StandardOpenOption.READ);
        }

        @Override
        public void write(ByteBuffer source, long position) throws IOException {
            long at = position;
            while (source.hasRemaining()) {
                at += writable().write(source, at);
            }
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            int start = target.position();
            while (true) {
                FileChannel channel = readChannel;
                try {
                    while (target.hasRemaining()) {
                        int n = channel.read(target, position + target.position() - start);
                        if (n < 0) {
                            break;
                        }
                    }
                    return target.position() - start;
                } catch (ClosedByInterruptException e) {
                    reopenReader(channel);
                    throw new InterruptedIOException("interrupted while reading " + path);
                } catch (ClosedChannelException e) {
                    if (closed) {
                        throw e;
                    }
                    reopenReader(channel); // another reader was interrupted; carry on
                }
            }
        }

        private synchronized void reopenReader(FileChannel broken) throws IOException {
            if (!closed && readChannel == broken) {
                readChannel = FileChannel.open(path, StandardOpenOption.READ);
            }
        }

        @Override
        public void force() throws IOException {
            writable().force(false);
        }

        @Override
        public void truncate(long size) throws IOException {
            writable().truncate(size);
        }

        @Override
        public long size() throws IOException {
            return writeChannel != null ? writeChannel.size() : readChannel.size();
        }

        @Override
        public ByteBuffer mapReadOnly(long position, long size) throws IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
            }
        }

        @Override
        public boolean dropCachedPages() {
            return PageCacheAdvice.dontNeed(path);
        }

        private FileChannel writable() throws IOException {
            if (writeChannel == null) {
                throw new IOException(path + " is open read-only");
            }
            return writeChannel;
        }

        @Override
        public synchronized void close() throws IOException {
            closed = true;
            readChannel.close();
            if (writeChannel != null) {
                writeChannel.close();
            }
        }
    }
}
