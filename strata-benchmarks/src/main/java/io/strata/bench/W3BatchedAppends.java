package io.strata.bench;

import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W3, batched durable appends: 8 clients, each appending 100 events of 256 bytes per append to its
 * own streams (a new one every 100 appends). Latency is per append (per batch of 100).
 */
final class W3BatchedAppends implements Workload {
    @Override
    public Measurement run(RunContext context) throws Exception {
        WorkloadSizes sizes = context.sizes();
        int clients = sizes.w3Clients();
        context.say("setup: opening the store (durability " + context.durability().wireName() + ")");
        ClosedLoop.Result result;
        try (EventStore store = context.openStore(context.durability())) {
            result = ClosedLoop.run(context, clients,
                    c -> new Client(store, c, sizes.w3EventsPerAppend(), sizes.w3AppendsPerStream()),
                    sizes.w3Warmup(), sizes.w3Measure(), sizes.w3MaxAppends());
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("eventsPerAppend", sizes.w3EventsPerAppend());
        extras.put("appends", result.operations());
        extras.put("appendsPerSecond", result.seconds() > 0 ? result.operations() / result.seconds() : 0.0);
        extras.put("latencyOf", "append of " + sizes.w3EventsPerAppend() + " events");
        extras.put("warmupSeconds", result.warmupSeconds());
        return new Measurement(clients, result.events(), result.seconds(), result.latencyNanos(), extras);
    }

    /** Appends batches to streams {@code w3-c<client>-<k>}. Confined to one thread. */
    private static final class Client implements ClosedLoop.Client {
        private final EventStore store;
        private final int client;
        private final int eventsPerAppend;
        private final int appendsPerStream;
        private long appends;
        private long sequence;
        private List<EventData> batch;

        Client(EventStore store, int client, int eventsPerAppend, int appendsPerStream) {
            this.store = store;
            this.client = client;
            this.eventsPerAppend = eventsPerAppend;
            this.appendsPerStream = appendsPerStream;
        }

        @Override
        public void prepare() {
            List<EventData> events = new ArrayList<>(eventsPerAppend);
            for (int i = 0; i < eventsPerAppend; i++) {
                events.add(Payloads.event(sequence++, 0));
            }
            batch = List.copyOf(events);
        }

        @Override
        public int next() {
            String stream = "w3-c" + client + "-" + (appends / appendsPerStream);
            long block = appends % appendsPerStream;
            ExpectedRevision expected = block == 0 ? ExpectedRevision.NO_STREAM
                    : ExpectedRevision.exactly(block * eventsPerAppend - 1);
            store.append(stream, expected, batch);
            appends++;
            return eventsPerAppend;
        }
    }
}
