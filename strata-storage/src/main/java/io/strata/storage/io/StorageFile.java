package io.strata.storage.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** One open file. Positional reads may run concurrently with each other and with one writer. */
public interface StorageFile extends Closeable {

    /** Writes all of {@code source} at {@code position}. */
    void write(ByteBuffer source, long position) throws IOException;

    /** Reads into {@code target} from {@code position} until it is full or the file ends; returns bytes read. */
    int read(ByteBuffer target, long position) throws IOException;

    /** fsync: makes everything written so far durable. */
    void force() throws IOException;

    void truncate(long size) throws IOException;

    long size() throws IOException;

    /**
     * Advises the operating system that this file's cached pages will not be read again soon, so that it
     * lets go of those already written back (Linux: {@code posix_fadvise DONTNEED}). Reads still work, from
     * the disk. Returns whether the advice was given; false where there is no such call.
     */
    boolean dropCachedPages();

    /** Maps {@code size} bytes from {@code position} read-only (for immutable index files). */
    ByteBuffer mapReadOnly(long position, long size) throws IOException;
}
