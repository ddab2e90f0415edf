package io.strata.bench;

import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * W7, consumer group: 1,000,000 events of 256 B in 10,000 streams, then a group with 8 consumers,
 * per-stream ordering, acking each event; acked events per second.
 *
 * <pre>
 *   setup    appends of 10 events, streams round-robin (w7-0 ×10, w7-1 ×10, … w7-9999 ×10, w7-0 …),
 *            through the target, durability none, 64 in flight
 *   warm-up  group w7-warmup from the start; 8 consumers until 100,000 deliveries; group deleted
 *   measured t0 ─ create group w7 from the start ─ 8 consumers ack everything ─ lag 0 ─ t1
 * </pre>
 *
 * Round-robin runs of 10 keep the group's read-ahead window (10,000 events) spread over 1,000
 * streams, so per-stream ordering has that much parallelism, rather than one stream's events
 * filling the window. How the consumers reach the group depends on the target ({@link GroupTarget}).
 * Every delivery's order is checked ({@link StreamOrder}); a violation, a parked message or a lag that
 * does not reach 0 makes the run invalid. The warm-up is there because a cold JVM acked at half the
 * warm rate (0.47 vs 0.8–0.97 M/s in-process, docs/consumer-groups.md).
 */
@SuppressWarnings("try") // progress tickers are try-with-resources for their close only
final class W7ConsumerGroup implements Workload {
    static final String STREAM_PREFIX = "w7-";
    private static final String WARMUP_GROUP = "w7-warmup";
    private static final String GROUP = "w7";
    private static final Durability SETUP_DURABILITY = Durability.NONE;
    private static final int OUTSTANDING_APPENDS = 64; // appends of 10 are small: more in flight, bigger group commits
    /** No new delivery for this long ends the run: twice the group's ack timeout (30 s) lets every redelivery happen. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public Measurement run(RunContext context) throws Exception {
        WorkloadSizes sizes = context.sizes();
        long events = sizes.w7Events();
        int streams = sizes.w7Streams();
        int consumers = sizes.w7Consumers();

        long setupStart = System.nanoTime();
        writeLog(context, events, streams, sizes.w7EventsPerAppend());
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

        context.say("opening the groups of " + context.targetName() + " (durability " + context.durability().wireName() + ")");
        Map<String, Object> extras = new LinkedHashMap<>();
        try (GroupTarget target = GroupTarget.open(context)) {
            warmUp(context, target, consumers, streams, sizes.w7WarmupEvents());
            context.say("measuring: group " + GROUP + " from the start, " + consumers + " consumers, " + events + " events");
            GroupPass pass = new GroupPass(STREAM_PREFIX, streams);
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            target.create(GROUP);
            try (GroupTarget.Consumers ignored = target.start(GROUP, consumers, pass)) {
                awaitDeliveries(context, pass, events, "measuring");
                awaitLagZero(target, pass);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            GroupTarget.GroupState end = target.state(GROUP);
            pass.throwIfFailed();
            pass.throwIfOutOfOrder();
            if (end.lag() != 0 || end.parked() != 0) {
                throw new IllegalStateException("the group ended with lag " + end.lag() + " and " + end.parked() + " parked");
            }
            extras.put("streams", streams);
            extras.put("eventsPerAppend", sizes.w7EventsPerAppend());
            extras.put("ordering", "per-stream");
            extras.put("appended", events);
            extras.put("deliveries", pass.deliveries());
            extras.put("redeliveries", pass.repeats());
            extras.put("orderViolations", pass.orderViolations());
            // the machine is shared: CPU per event compares runs whose throughput the load moved
            extras.put("processCpuSeconds", cpuSeconds);
            extras.put("cpuMicrosPerEvent", cpuSeconds * 1e6 / events);
            extras.put("warmupEvents", sizes.w7WarmupEvents());
            extras.put("setupDurability", SETUP_DURABILITY.wireName());
            extras.put("setupSeconds", setupSeconds);
            extras.putAll(target.facts());
            // lag 0 with nothing parked: every appended event was acked (W7 never nacks or skips)
            return new Measurement(consumers, events, seconds, pass.latencyNanos(), extras);
        }
    }

    /** CPU time of the whole process (driver, consumers and, for the server targets, the server), in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Appends {@code events} in runs of {@code perAppend}, streams round-robin, through the target. */
    private static void writeLog(RunContext context, long events, int streams, int perAppend) throws InterruptedException {
        context.say("setup: writing " + events + " events into " + streams + " streams, " + perAppend
                + " per append (durability " + SETUP_DURABILITY.wireName() + ")");
        try (EventStore store = context.openStore(SETUP_DURABILITY)) {
            AsyncAppends appends = new AsyncAppends(store, OUTSTANDING_APPENDS);
            try (Ticker ignored = context.ticker(() -> "setup: " + appends.completedEvents() + " of " + events + " events written")) {
                long sequence = 0;
                while (sequence < events) {
                    for (int stream = 0; stream < streams && sequence < events; stream++) {
                        int count = (int) Math.min(perAppend, events - sequence);
                        List<EventData> run = new ArrayList<>(count);
                        for (int i = 0; i < count; i++) {
                            run.add(Payloads.event(sequence++, 0));
                        }
                        // ANY: with few streams (tests) two runs of one stream may be in flight at once
                        appends.submit(STREAM_PREFIX + stream, ExpectedRevision.ANY, run);
                    }
                }
                appends.awaitAll(Duration.ofMinutes(5));
            }
        }
    }

    /** A first group that consumes {@code deliveries} events and is deleted: JIT, connections and pools warm. */
    private static void warmUp(RunContext context, GroupTarget target, int consumers, int streams, long deliveries)
            throws InterruptedException {
        context.say("warm-up: group " + WARMUP_GROUP + " until " + deliveries + " deliveries");
        GroupPass pass = new GroupPass(STREAM_PREFIX, streams);
        target.create(WARMUP_GROUP);
        try (GroupTarget.Consumers ignored = target.start(WARMUP_GROUP, consumers, pass)) {
            awaitDeliveries(context, pass, deliveries, "warm-up");
        }
        target.delete(WARMUP_GROUP);
        pass.throwIfFailed();
        pass.throwIfOutOfOrder();
    }

    /** Waits until the consumers have had {@code count} deliveries; fails on a consumer's failure or a stall. */
    private static void awaitDeliveries(RunContext context, GroupPass pass, long count, String phase) throws InterruptedException {
        long start = System.nanoTime();
        try (Ticker ignored = context.ticker(() -> phase + ": " + pass.deliveries() + " of " + count + " delivered, "
                + ClosedLoop.seconds(Duration.ofNanos(System.nanoTime() - start)))) {
            waitFor(pass, pass::deliveries, count);
        }
    }

    /**
     * Waits until the server counts lag 0: the last acks leave the consumer after the last delivery
     * (the gRPC consumer sends them in batches, within 2 ms).
     */
    private static void awaitLagZero(GroupTarget target, GroupPass pass) throws InterruptedException {
        long deadline = System.nanoTime() + STALL_TIMEOUT.toNanos();
        while (target.state(GROUP).lag() > 0) {
            pass.throwIfFailed();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("lag still " + target.state(GROUP).lag() + " after " + STALL_TIMEOUT.toSeconds()
                        + " s with every event delivered");
            }
            Thread.sleep(1);
        }
    }

    /** Polls {@code counter} every millisecond (the runs last seconds) until it reaches {@code count}. */
    private static void waitFor(GroupPass pass, LongSupplier counter, long count) throws InterruptedException {
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            pass.throwIfFailed();
            long now = counter.getAsLong();
            if (now >= count) {
                return;
            }
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > STALL_TIMEOUT.toNanos()) {
                throw new IllegalStateException("no delivery for " + STALL_TIMEOUT.toSeconds() + " s at " + now + " of " + count);
            }
            Thread.sleep(1);
        }
    }
}
