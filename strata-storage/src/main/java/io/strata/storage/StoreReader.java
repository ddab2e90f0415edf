package io.strata.storage;

import io.strata.core.AllSlice;
import io.strata.core.Direction;
import io.strata.core.EventFilter;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads streams and the global log from a {@link StoreState}. Stateless apart from the state it reads;
 * thread-safe; never blocks the writer.
 */
final class StoreReader {
    /** A read of {@code $all} with a filter looks at most this many records before it answers. */
    static final int SCAN_BUDGET = 65_536;

    private final StoreState state;

    StoreReader(StoreState state) {
        this.state = state;
    }

    /** The highest position a read may return: the last committed one, or the last recorded by {@code asOf}. */
    long cutoff(Optional<Instant> asOf) {
        long last = state.committedNextPosition() - 1;
        return asOf.map(t -> Math.min(last, lastPositionRecordedBy(RecordFormat.toMicros(t), last))).orElse(last);
    }

    StreamSlice readStream(String stream, ReadStreamOptions options) {
        byte[] name = stream.getBytes(StandardCharsets.UTF_8);
        long key = Keys.streamKey(name);
        long cutoff = cutoff(options.asOf());
        long lastRevision = lastRevision(key, name, cutoff);
        if (lastRevision < 0) {
            throw new StreamNotFoundException(stream);
        }
        boolean forward = options.direction() == Direction.FORWARD;
        long from = forward ? options.from() : Math.min(options.from(), lastRevision);
        if (forward && from > lastRevision) {
            return new StreamSlice(stream, List.of(), lastRevision, OptionalLong.empty());
        }
        List<RecordedEvent> events = new ArrayList<>();
        long scannedTo = readStreamEntries(key, name, from, forward, options.limit(), cutoff, events);
        OptionalLong next;
        if (forward) {
            next = scannedTo + 1 <= lastRevision ? OptionalLong.of(scannedTo + 1) : OptionalLong.empty();
        } else {
            next = scannedTo - 1 >= 0 ? OptionalLong.of(scannedTo - 1) : OptionalLong.empty();
        }
        return new StreamSlice(stream, events, lastRevision, next);
    }

    /**
     * Reads up to {@code limit} events of a stream from revision {@code from} into {@code out}; returns
     * the last revision it looked at (so paging never rescans), or {@code from ∓ 1} when none.
     */
    long readStreamEntries(long key, byte[] name, long from, boolean forward, int limit, long cutoff,
                           List<RecordedEvent> out) {
        long[] entries = state.streamIndex.entries(key, from, forward, limit);
        long scannedTo = forward ? from - 1 : from + 1;
        ByteBuffer scratch = null;
        for (int i = 0; i < entries.length && out.size() < limit; i += 3) {
            long revision = entries[i];
            long position = entries[i + 1];
            if (position > cutoff) {
                if (forward) {
                    break; // later revisions are later positions
                }
                continue;
            }
            ByteBuffer record = state.log.readRecord(entries[i + 2], scratch);
            scratch = record;
            scannedTo = revision;
            if (RecordFormat.streamEquals(record, 0, name)) {
                out.add(RecordFormat.decode(record, 0));
            }
        }
        return scannedTo;
    }

    /** The stream's last revision among positions ≤ {@code cutoff}, or -1 when it has none. */
    long lastRevision(long key, byte[] name, long cutoff) {
        long[] found = {-1};
        ByteBuffer[] scratch = {null};
        state.streamIndex.newestFirst(key, (k, revision, position, address) -> {
            if (position > cutoff || revision <= found[0]) {
                return true;
            }
            ByteBuffer record = state.log.readRecord(address, scratch[0]);
            scratch[0] = record;
            if (RecordFormat.streamEquals(record, 0, name)) {
                found[0] = revision;
                return false;
            }
            return true;
        });
        return found[0];
    }

    AllSlice readAll(ReadAllOptions options) {
        long cutoff = cutoff(options.asOf());
        List<RecordedEvent> events = new ArrayList<>();
        if (options.direction() == Direction.FORWARD) {
            long from = options.from();
            if (from > cutoff) {
                return new AllSlice(List.of(), Optional.empty());
            }
            ScanResult result = scanForward(from, -1, options.limit(), options.filter(), cutoff, events);
            Optional<Position> next = result.nextPosition <= cutoff ? Optional.of(Position.of(result.nextPosition)) : Optional.empty();
            return new AllSlice(events, next);
        }
        long from = Math.min(options.from(), cutoff);
        if (from < 0) {
            return new AllSlice(List.of(), Optional.empty());
        }
        long next = scanBackward(from, options.limit(), options.filter(), events);
        return new AllSlice(events, next >= 0 ? Optional.of(Position.of(next)) : Optional.empty());
    }

    /** Where a forward scan stopped: the next position to look at and its address (when known, else -1). */
    record ScanResult(long nextPosition, long nextAddress) {
    }

    /**
     * Scans forward from {@code from} (its record at {@code addressHint} when ≥ 0), adding matching
     * events to {@code out} until {@code limit} events, the scan budget, or {@code cutoff}. Events near
     * the head come from {@link RecentEvents} when another reader decoded them already, and go there
     * when this scan decodes them first.
     */
    ScanResult scanForward(long from, long addressHint, int limit, EventFilter filter, long cutoff, List<RecordedEvent> out) {
        long next = from;
        long address = addressHint;
        RecentEvents.Entry recent;
        while (next <= cutoff && out.size() < limit && (recent = state.recent.get(next)) != null) {
            if (filter.isAll() || filter.matches(recent.event())) {
                out.add(recent.event());
            }
            address = recent.nextAddress();
            next++;
        }
        if (next > cutoff || out.size() >= limit) {
            return new ScanResult(next, address);
        }
        long scanFrom = next;
        if (address < 0) {
            address = addressAtOrBefore(scanFrom);
        }
        long committedNextPosition = state.committedNextPosition();
        try (Log.Cursor cursor = state.log.cursor(address, state.committedEndAddress())) {
            return scanForward(cursor, scanFrom, next, limit, filter, cutoff, committedNextPosition, out);
        }
    }

    private ScanResult scanForward(Log.Cursor cursor, long scanFrom, long next, int limit, EventFilter filter, long cutoff,
                                   long committedNextPosition, List<RecordedEvent> out) {
        int scanned = 0;
        int offset;
        while (next <= cutoff && out.size() < limit && scanned < SCAN_BUDGET) {
            long recordAddress = cursor.address();
            offset = cursor.next();
            if (offset < 0) {
                return new ScanResult(next, recordAddress);
            }
            ByteBuffer buf = cursor.buffer();
            long position = RecordFormat.position(buf, offset);
            if (position < scanFrom) {
                continue;
            }
            if (position > cutoff) {
                return new ScanResult(position, recordAddress);
            }
            scanned++;
            next = position + 1;
            if (filter.isAll() || filter.matches(RecordFormat.stream(buf, offset), RecordFormat.type(buf, offset))) {
                RecordedEvent event = RecordFormat.decode(buf, offset);
                out.add(event);
                if (RecentEvents.worthKeeping(event, committedNextPosition)) {
                    state.recent.put(new RecentEvents.Entry(event, cursor.address()));
                }
            }
        }
        return new ScanResult(next, cursor.address());
    }

    /** Scans backwards from {@code from}; returns the next position to scan, or -1 at the start of the log. */
    private long scanBackward(long from, int limit, EventFilter filter, List<RecordedEvent> out) {
        long hi = from;
        int scanned = 0;
        int window = Math.max(limit, SparsePositionIndex.INTERVAL);
        while (hi >= 0 && out.size() < limit && scanned < SCAN_BUDGET) {
            long lo = Math.max(0, hi - window + 1);
            List<RecordedEvent> matches = new ArrayList<>();
            List<Long> positions = new ArrayList<>();
            try (Log.Cursor cursor = state.log.cursor(addressAtOrBefore(lo), state.committedEndAddress())) {
                int offset;
                while ((offset = cursor.next()) >= 0) {
                    ByteBuffer buf = cursor.buffer();
                    long position = RecordFormat.position(buf, offset);
                    if (position < lo) {
                        continue;
                    }
                    if (position > hi) {
                        break;
                    }
                    if (filter.isAll() || filter.matches(RecordFormat.stream(buf, offset), RecordFormat.type(buf, offset))) {
                        matches.add(RecordFormat.decode(buf, offset));
                        positions.add(position);
                    }
                }
            }
            Collections.reverse(matches);
            Collections.reverse(positions);
            for (int i = 0; i < matches.size(); i++) {
                if (out.size() == limit) {
                    return positions.get(i - 1) - 1;
                }
                out.add(matches.get(i));
            }
            scanned += (int) (hi - lo + 1);
            if (out.size() == limit && !positions.isEmpty()) {
                return positions.get(positions.size() - 1) - 1;
            }
            hi = lo - 1;
            window = Math.min(window * 2, SCAN_BUDGET);
        }
        return hi;
    }

    /** The address of a record at or before {@code position} from which a forward scan reaches it. */
    long addressAtOrBefore(long position) {
        int i = state.sparse.floorByPosition(position);
        if (i >= 0) {
            return state.sparse.address(i);
        }
        Segment first = state.log.segments()[0];
        return first.baseAddress() + Segment.HEADER_BYTES;
    }

    /** The last position ≤ {@code last} recorded at or before {@code micros}; -1 when none. */
    long lastPositionRecordedBy(long micros, long last) {
        if (last < 0) {
            return -1;
        }
        int i = state.sparse.floorByTime(micros);
        long address;
        long found = -1;
        if (i >= 0) {
            address = state.sparse.address(i);
        } else {
            address = addressAtOrBefore(0);
        }
        try (Log.Cursor cursor = state.log.cursor(address, state.committedEndAddress())) {
            int offset;
            while ((offset = cursor.next()) >= 0) {
                ByteBuffer buf = cursor.buffer();
                long position = RecordFormat.position(buf, offset);
                if (position > last || RecordFormat.recordedMicros(buf, offset) > micros) {
                    break;
                }
                found = position;
            }
        }
        return found;
    }
}
