package io.strata.storage.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the engine performs, behind one small interface so tests can inject faults:
 * fail the Nth write, force or rename, run out of disk, lose what was not fsync'd.
 */
public interface FileIO {

    /** The real file system. */
    static FileIO standard() {
        return StandardFileIO.INSTANCE;
    }

    /** Opens {@code path} for reading and writing, creating it when {@code create} is set. */
    StorageFile open(Path path, boolean create) throws IOException;

    /** Opens {@code path} read-only. */
    StorageFile openReadOnly(Path path) throws IOException;

    /** Atomically replaces {@code target} with {@code source}. */
    void rename(Path source, Path target) throws IOException;

    void delete(Path path) throws IOException;

    /** Makes a directory's entries (created, renamed, deleted files) durable. */
    void syncDirectory(Path directory) throws IOException;

    void createDirectories(Path directory) throws IOException;

    /** The files of {@code directory} whose names end with {@code suffix}, sorted by name. */
    List<Path> list(Path directory, String suffix) throws IOException;

    boolean exists(Path path);
}
