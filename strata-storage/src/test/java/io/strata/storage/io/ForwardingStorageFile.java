package io.strata.storage.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A {@link StorageFile} that passes every call to another; tests override the calls they change. */
public class ForwardingStorageFile implements StorageFile {
    private final StorageFile delegate;

    public ForwardingStorageFile(StorageFile delegate) {
        this.delegate = delegate;
    }

    @Override
    public void write(ByteBuffer source, long position) throws IOException {
        delegate.write(source, position);
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        return delegate.read(target, position);
    }

    @Override
    public void force() throws IOException {
        delegate.force();
    }

    @Override
    public void truncate(long size) throws IOException {
        delegate.truncate(size);
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public boolean dropCachedPages() {
        return delegate.dropCachedPages();
    }

    @Override
    public ByteBuffer mapReadOnly(long position, long size) throws IOException {
        return delegate.mapReadOnly(position, size);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
