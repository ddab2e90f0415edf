package io.strata.storage;

import io.strata.storage.io.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@link Segment} for tests outside this package (the class is package-private). */
public final class SegmentAccess implements AutoCloseable {
    private final Segment segment;

    private SegmentAccess(Segment segment) {
        this.segment = segment;
    }

    /** A new, empty segment at position 0 in {@code logDirectory}. */
    public static SegmentAccess create(FileIO io, Path logDirectory) throws IOException {
        return new SegmentAccess(Segment.create(io, logDirectory, 0, 0));
    }

    public void append(byte[] bytes) throws IOException {
        segment.append(ByteBuffer.wrap(bytes));
    }

    public void preallocate(long fileSize) throws IOException {
        segment.preallocate(fileSize);
    }

    /** Bytes of the header and records. */
    public long size() {
        return segment.size();
    }

    public long allocated() {
        return segment.allocated();
    }

    public long fileSize() throws IOException {
        return Files.size(segment.path());
    }

    @Override
    public void close() throws IOException {
        segment.close();
    }
}
