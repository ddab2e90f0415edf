package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes the memtables out as index files and then the {@link Checkpoint} that names them. */
final class Checkpointer {
    private Checkpointer() {
    }

    static void checkpoint(StoreState state, long nextPosition, long nextAddress, byte[] chainHash,
                           long lastRecordedMicros, long streams) throws IOException {
        StoreConfig config = state.config;
        Path indexDirectory = config.directory().resolve(EmbeddedEventStore.INDEX_DIRECTORY);
        state.streamIndex.flush(config.fileIO(), indexDirectory, nextPosition);
        state.idIndex.flush(config.fileIO(), indexDirectory, nextPosition);
        List<String> files = new ArrayList<>();
        for (IndexFile file : state.streamIndex.files()) {
            files.add(file.path().getFileName().toString());
        }
        for (IndexFile file : state.idIndex.files()) {
            files.add(file.path().getFileName().toString());
        }
        new Checkpoint(nextPosition, nextAddress, chainHash, lastRecordedMicros, streams, files,
                state.sparse.snapshot()).write(config.fileIO(), config.directory());
    }
}
