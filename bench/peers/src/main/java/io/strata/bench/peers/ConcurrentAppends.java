package io.strata.bench.peers;

import io.strata.bench.ClosedLoop;
import io.strata.bench.Payloads;
import io.strata.bench.WorkloadSizes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * W2, concurrent durable appends: 64 clients, one 256-byte event per append, over 100,000 streams, the
 * expected revision checked on every append. As in Strata's W2, each client owns the streams whose
 * number is its own modulo the client count and picks one at random for each append, so a failed
 * condition is a bug and fails the run. Only for peers that can check a condition.
 */
final class ConcurrentAppends implements PeerWorkload {
    @Override
    public PeerMeasurement run(PeerRun run) throws Exception {
        WorkloadSizes sizes = run.sizes();
        int clients = sizes.w2Clients();
        int streams = sizes.w2Streams();
        if (!run.target().checksExpectedRevision()) {
            throw new IllegalStateException(run.target().name() + " cannot check an expected revision: W2 does not apply");
        }
        run.say("setup: " + streams + " streams over " + clients + " clients");
        ClosedLoop.Result result = run.closedLoop().run(clients, c -> new Client(appender(run.log()), c, clients, streams),
                sizes.w2Warmup(), sizes.w2Measure(), sizes.w2MaxAppends());
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("streams", streams);
        extras.put("expectedRevision", "exact");
        extras.put("warmupSeconds", result.warmupSeconds());
        extras.putAll(run.target().workloadFacts(run.workload()));
        return new PeerMeasurement(clients, result.events(), result.seconds(), result.latencyNanos(), extras);
    }

    static PeerLog.Appender appender(PeerLog log) {
        try {
            return log.appender();
        } catch (Exception e) {
            throw new IllegalStateException("cannot open an appender: " + e, e);
        }
    }

    /** Appends to its own streams, remembering what to expect of each. Confined to one thread. */
    private static final class Client implements ClosedLoop.Client {
        private final PeerLog.Appender appender;
        private final String[] streams;
        private final long[] expected;
        private final SplittableRandom random;
        private long sequence;
        private List<byte[]> event;

        Client(PeerLog.Appender appender, int client, int clients, int totalStreams) {
            this.appender = appender;
            int owned = (totalStreams - client + clients - 1) / clients; // streams s with s % clients == client
            this.streams = new String[owned];
            for (int i = 0; i < owned; i++) {
                streams[i] = "w2-" + (client + (long) i * clients);
            }
            this.expected = new long[owned];
            Arrays.fill(expected, PeerLog.Appender.NO_STREAM);
            this.random = new SplittableRandom(client * 7919L + 1);
        }

        @Override
        public void prepare() {
            event = List.of(Payloads.data(sequence++, 0));
        }

        @Override
        public int next() throws Exception {
            int i = random.nextInt(streams.length);
            expected[i] = appender.append(streams[i], expected[i], event);
            return 1;
        }

        @Override
        public void close() {
            appender.close();
        }
    }
}
