package io.strata.eventsourcing;

import java.time.Instant;
import java.util.Objects;

/**
 * Which state of an aggregate to load: the latest, as it was known at a recorded time, or as it was
 * right after a given revision. Import the factories statically:
 * {@code repository.load(id, asOf(yesterday))}, {@code repository.load(id, atRevision(41))}.
 */
public sealed interface LoadPoint {

    static LoadPoint latest() {
        return Latest.INSTANCE;
    }

    /** The aggregate as the store knew it at {@code time}: every event recorded at or before it. */
    static LoadPoint asOf(Instant time) {
        return new AsOf(time);
    }

    /** The aggregate right after its event at {@code revision} (0 is the first event). */
    static LoadPoint atRevision(long revision) {
        return new AtRevision(revision);
    }

    /** Every event there is. */
    record Latest() implements LoadPoint {
        static final Latest INSTANCE = new Latest();
    }

    record AsOf(Instant time) implements LoadPoint {
        public AsOf {
            Objects.requireNonNull(time, "time");
        }
    }

    record AtRevision(long revision) implements LoadPoint {
        public AtRevision {
            if (revision < 0) {
                throw new IllegalArgumentException("a revision is 0 or more, got " + revision);
            }
        }
    }
}
