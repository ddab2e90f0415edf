package io.strata.eventsourcing.snapshot;

import java.util.Arrays;
import java.util.Objects;

/**
 * An aggregate's encoded state right after one of its events. A snapshot is a pure function of
 * (stream, revision, state version): whenever it was written, it is valid for any load at or after
 * {@code aggregateRevision}, and for none before.
 *
 * @param aggregateStream   the aggregate's stream
 * @param aggregateRevision the revision of the last event folded into the state
 * @param stateVersion      the version of the state's encoding; a snapshot whose version differs
 *                          from the codec's is ignored
 * @param state             the encoded state
 */
public record Snapshot(String aggregateStream, long aggregateRevision, int stateVersion, byte[] state) {
    public Snapshot {
        Objects.requireNonNull(aggregateStream, "aggregateStream");
        Objects.requireNonNull(state, "state");
        if (aggregateRevision < 0) {
            throw new IllegalArgumentException("a snapshot follows an event: revision 0 or more, got " + aggregateRevision);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot other && aggregateStream.equals(other.aggregateStream)
                && aggregateRevision == other.aggregateRevision && stateVersion == other.stateVersion
                && Arrays.equals(state, other.state);
    }

    @Override
    public int hashCode() {
        return Objects.hash(aggregateStream, aggregateRevision, stateVersion, Arrays.hashCode(state));
    }

    @Override
    public String toString() {
        return "Snapshot[" + aggregateStream + "@" + aggregateRevision + ", state v" + stateVersion + ", "
                + state.length + " bytes]";
    }
}
