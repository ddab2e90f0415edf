package io.strata.core;

/** A read of a stream that has no events (or none recorded by the {@code asOf} time). */
public final class StreamNotFoundException extends StrataException {
    private final String stream;

    public StreamNotFoundException(String stream) {
        super(ErrorCode.STREAM_NOT_FOUND, "stream '" + stream + "' has no events");
        this.stream = stream;
    }

    public String stream() {
        return stream;
    }
}
