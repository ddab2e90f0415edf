package io.strata.bench;

import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * W2, concurrent durable appends: 64 clients, one 256-byte event per append, over 100,000 streams,
 * with the expected revision checked on every append. Each client owns the streams whose number is
 * its own modulo the client count, picks one at random for each append and sends the exact revision
 * it last saw ({@code no_stream} the first time), so any
 * {@link io.strata.core.WrongExpectedRevisionException} is a bug and fails the run.
 */
final class W2ConcurrentAppends implements Workload {
    @Override
    public Measurement run(RunContext context) throws Exception {
        WorkloadSizes sizes = context.sizes();
        int clients = sizes.w2Clients();
        int streams = sizes.w2Streams();
        context.say("setup: opening the store (durability " + context.durability().wireName() + "), "
                + streams + " streams over " + clients + " clients");
        ClosedLoop.Result result;
        try (EventStore store = context.openStore(context.durability())) {
            result = ClosedLoop.run(context, clients, c -> new Client(store, c, clients, streams),
                    sizes.w2Warmup(), sizes.w2Measure(), sizes.w2MaxAppends());
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("streams", streams);
        extras.put("expectedRevision", "exact");
        extras.put("warmupSeconds", result.warmupSeconds());
        return new Measurement(clients, result.events(), result.seconds(), result.latencyNanos(), extras);
    }

    /** Appends to its own streams, tracking each one's last revision. Confined to one thread. */
    private static final class Client implements ClosedLoop.Client {
        private final EventStore store;
        private final String[] streams;
        private final long[] lastRevisions; // -1: no stream yet
        private final SplittableRandom random;
        private long sequence;
        private List<EventData> event;

        Client(EventStore store, int client, int clients, int totalStreams) {
            this.store = store;
            int owned = (totalStreams - client + clients - 1) / clients; // streams s with s % clients == client
            this.streams = new String[owned];
            for (int i = 0; i < owned; i++) {
                streams[i] = "w2-" + (client + (long) i * clients);
            }
            this.lastRevisions = new long[owned];
            Arrays.fill(lastRevisions, -1);
            this.random = new SplittableRandom(client * 7919L + 1);
        }

        @Override
        public void prepare() {
            event = List.of(Payloads.event(sequence++, 0));
        }

        @Override
        public int next() {
            int i = random.nextInt(streams.length);
            long last = lastRevisions[i];
            ExpectedRevision expected = last < 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exactly(last);
            AppendResult result = store.append(streams[i], expected, event);
            if (result.lastRevision() != last + 1) {
                throw new IllegalStateException("append to " + streams[i] + " expecting " + expected
                        + " landed at revision " + result.lastRevision());
            }
            lastRevisions[i] = result.lastRevision();
            return 1;
        }
    }
}
