package io.strata.storage.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A {@link FileIO} that passes every call to another; tests override the calls they change. */
public class ForwardingFileIO implements FileIO {
    private final FileIO delegate;

    public ForwardingFileIO(FileIO delegate) {
        this.delegate = delegate;
    }

    @Override
    public StorageFile open(Path path, boolean create) throws IOException {
        return delegate.open(path, create);
    }

    @Override
    public StorageFile openReadOnly(Path path) throws IOException {
        return delegate.openReadOnly(path);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        delegate.rename(source, target);
    }

    @Override
    public void delete(Path path) throws IOException {
        delegate.delete(path);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        delegate.syncDirectory(directory);
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        delegate.createDirectories(directory);
    }

    @Override
    public List<Path> list(Path directory, String suffix) throws IOException {
        return delegate.list(directory, suffix);
    }

    @Override
    public boolean exists(Path path) {
        return delegate.exists(path);
    }
}
