package io.strata.storage.crash;

import io.strata.storage.io.FileIO;
import io.strata.storage.io.ForwardingFileIO;
import io.strata.storage.io.ForwardingStorageFile;
import io.strata.storage.io.StorageFile;
import java.io.IOException;
import java.nio.file.Path;


/**
 * The real file system without fsync. For tests that reopen a damaged image thousands of times and
 * examine what recovery makes of the bytes, not what reaches the platter: at ~1 ms an fsync and
 * ~8 fsyncs an open-append-close, the bit-flip tests would otherwise take half a minute.
 */
final class NoSyncFileIO extends ForwardingFileIO {
    static final NoSyncFileIO INSTANCE = new NoSyncFileIO();

    private NoSyncFileIO() {
        super(FileIO.standard());
    }

    @Override
    public StorageFile open(Path path, boolean create) throws IOException {
        return new ForwardingStorageFile(super.open(path, create)) {
            @Override
            public void force() {
                // not what these tests examine
            }
        };
    }

    @Override
    public void syncDirectory(Path directory) {
        // not what these tests examine
    }
}
