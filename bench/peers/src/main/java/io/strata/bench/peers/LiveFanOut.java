package io.strata.bench.peers;

import io.strata.bench.FanOutRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * W6, live fan-out: 100 subscribers from the end of the log, one writer appending one event at a time
 * at a steady 10,000 events per second (open loop: each append is sent when due, without waiting for
 * the previous one). Each event carries the {@link System#nanoTime()} of its append; each subscriber
 * records now minus that on delivery. Every subscriber must receive every measured event exactly once,
 * or the run fails. Strata's W6 method itself: {@link FanOutRun}.
 */
final class LiveFanOut implements PeerWorkload {
    @Override
    public PeerMeasurement run(PeerRun run) throws Exception {
        FanOutRun fanOut = new FanOutRun(run.sizes(), run::say);
        int subscribers = run.sizes().w6Subscribers();

        run.say("setup: " + subscribers + " subscribers from the end of the log");
        List<PeerLog.LiveSubscription> subscriptions = new ArrayList<>();
        try {
            for (int i = 0; i < subscribers; i++) {
                subscriptions.add(run.log().subscribeFromEnd(fanOut.newListener()));
            }
            try (PeerLog.AsyncWriter writer = run.log().asyncWriter(FanOutRun.MAX_APPENDS_IN_FLIGHT)) {
                fanOut.write((stream, revision, data) -> writer.send(stream, revision, List.of(data)));
                writer.awaitAll(run.sizes().w6DrainTimeout());
            }

            FanOutRun.Result result = fanOut.awaitDeliveries();
            Map<String, Object> extras = new LinkedHashMap<>(result.extras());
            extras.putAll(run.target().workloadFacts(run.workload()));
            return new PeerMeasurement(1, result.events(), result.seconds(), result.latencyNanos(), extras);
        } finally {
            closeAll(subscriptions);
        }
    }

    /**
     * Closes the subscriptions all at once: closing a KafkaConsumer waits for the broker to end its fetch
     * session (~0.3 s each on this machine), which one after the other took half a minute for 100.
     */
    private static void closeAll(List<PeerLog.LiveSubscription> subscriptions) throws Exception {
        List<Future<?>> closing = new ArrayList<>();
        try (ExecutorService closer = Executors.newVirtualThreadPerTaskExecutor()) {
            for (PeerLog.LiveSubscription subscription : subscriptions) {
                closing.add(closer.submit(() -> {
                    subscription.close();
                    return null;
                }));
            }
        }
        for (Future<?> closed : closing) {
            closed.get(); // rethrows the first failure to close
        }
    }
}
