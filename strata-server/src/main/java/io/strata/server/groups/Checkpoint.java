package io.strata.server.groups;

/**
 * Where a group is in its source: every source event before {@code position} was acked, skipped or
 * parked. For a stream source {@code revision} is the stream revision reading resumes from (the
 * engine reads streams by revision); for {@code $all} it is {@value #NO_REVISION}.
 */
record Checkpoint(long position, long revision) {
    static final long NO_REVISION = -1;

    Checkpoint {
        if (position < 0) {
            throw new IllegalArgumentException("position " + position);
        }
        if (revision < NO_REVISION) {
            throw new IllegalArgumentException("revision " + revision);
        }
    }

    static Checkpoint ofAll(long position) {
        return new Checkpoint(position, NO_REVISION);
    }
}
