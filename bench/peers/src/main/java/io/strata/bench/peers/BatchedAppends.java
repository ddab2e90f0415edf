package io.strata.bench.peers;

import io.strata.bench.ClosedLoop;
import io.strata.bench.Payloads;
import io.strata.bench.WorkloadSizes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W3, batched durable appends: 8 clients, each appending 100 events of 256 bytes per append to its own
 * streams (a new one every 100 appends), conditional where the peer can check it. Latency is per
 * append of 100. Whether a peer's batch is atomic, as Strata's is, is on the line ({@code batch}).
 */
final class BatchedAppends implements PeerWorkload {
    @Override
    public PeerMeasurement run(PeerRun run) throws Exception {
        WorkloadSizes sizes = run.sizes();
        int clients = sizes.w3Clients();
        boolean conditional = run.target().checksExpectedRevision();
        ClosedLoop.Result result = run.closedLoop().run(clients,
                c -> new Client(ConcurrentAppends.appender(run.log()), c, sizes.w3EventsPerAppend(),
                        sizes.w3AppendsPerStream(), conditional),
                sizes.w3Warmup(), sizes.w3Measure(), sizes.w3MaxAppends());
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("eventsPerAppend", sizes.w3EventsPerAppend());
        extras.put("appends", result.operations());
        extras.put("appendsPerSecond", result.seconds() > 0 ? result.operations() / result.seconds() : 0.0);
        extras.put("latencyOf", "append of " + sizes.w3EventsPerAppend() + " events");
        extras.put("warmupSeconds", result.warmupSeconds());
        extras.put("expectedRevision", conditional ? "exact" : "not checked");
        extras.putAll(run.target().workloadFacts(run.workload()));
        return new PeerMeasurement(clients, result.events(), result.seconds(), result.latencyNanos(), extras);
    }

    /** Appends batches to streams {@code w3-c<client>-<k>}. Confined to one thread. */
    private static final class Client implements ClosedLoop.Client {
        private final PeerLog.Appender appender;
        private final int client;
        private final int eventsPerAppend;
        private final int appendsPerStream;
        private final boolean conditional;
        private long appends;
        private long sequence;
        private long expected = PeerLog.Appender.NO_STREAM;
        private List<byte[]> batch;

        Client(PeerLog.Appender appender, int client, int eventsPerAppend, int appendsPerStream, boolean conditional) {
            this.appender = appender;
            this.client = client;
            this.eventsPerAppend = eventsPerAppend;
            this.appendsPerStream = appendsPerStream;
            this.conditional = conditional;
        }

        @Override
        public void prepare() {
            List<byte[]> events = new ArrayList<>(eventsPerAppend);
            for (int i = 0; i < eventsPerAppend; i++) {
                events.add(Payloads.data(sequence++, 0));
            }
            batch = List.copyOf(events);
        }

        @Override
        public int next() throws Exception {
            String stream = "w3-c" + client + "-" + (appends / appendsPerStream);
            if (appends % appendsPerStream == 0) {
                expected = PeerLog.Appender.NO_STREAM;
            }
            expected = appender.append(stream, conditional ? expected : PeerLog.Appender.ANY, batch);
            appends++;
            return eventsPerAppend;
        }

        @Override
        public void close() {
            appender.close();
        }
    }
}
