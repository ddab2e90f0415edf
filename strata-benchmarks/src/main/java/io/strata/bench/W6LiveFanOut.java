package io.strata.bench;

import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.Subscription;
import io.strata.core.NonBlockingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * W6, live fan-out: 100 subscribers on {@code $all} from its end, one writer appending one event at
 * a time at a steady 10,000 events per second (open loop: each append is sent when due, without
 * waiting for the previous one, so the store group-commits them). Each event carries the
 * {@link System#nanoTime()} of its append; each subscriber records now minus that on delivery.
 * Every subscriber must receive every measured event exactly once, or the run fails ({@link FanOutRun}).
 */
@SuppressWarnings("try") // progress tickers are try-with-resources for their close only
final class W6LiveFanOut implements Workload {
    @Override
    public Measurement run(RunContext context) throws Exception {
        WorkloadSizes sizes = context.sizes();
        FanOutRun fanOut = new FanOutRun(sizes, context::say);

        context.say("setup: opening the store (durability " + context.durability().wireName() + "), "
                + sizes.w6Subscribers() + " subscribers from the end of $all");
        try (EventStore store = context.openStore(context.durability())) {
            List<Subscription> subscriptions = new ArrayList<>();
            CountDownLatch caughtUp = new CountDownLatch(sizes.w6Subscribers());
            try {
                for (int i = 0; i < sizes.w6Subscribers(); i++) {
                    Subscriber subscriber = new Subscriber(fanOut.newListener(), caughtUp);
                    subscriptions.add(store.subscribeToAll(ReadAllOptions.END, EventFilter.ALL, subscriber));
                }
                if (!caughtUp.await(10, TimeUnit.SECONDS)) {
                    context.say("setup: " + caughtUp.getCount() + " subscriptions did not report caught-up within 10 s; going on");
                }

                AsyncAppends appends = new AsyncAppends(store, FanOutRun.MAX_APPENDS_IN_FLIGHT);
                try (Ticker ignored = context.ticker(() -> "writing: " + fanOut.sent() + " of "
                        + (fanOut.totalEvents() < 0 ? "(warming up)" : fanOut.totalEvents())
                        + " events sent, " + fanOut.measuredDeliveries() + " measured deliveries")) {
                    fanOut.write((stream, revision, data) ->
                            appends.submit(stream, ExpectedRevision.ANY, List.of(EventData.json(Payloads.TYPE, data))));
                }
                appends.awaitAll(sizes.w6DrainTimeout());

                FanOutRun.Result result = fanOut.awaitDeliveries();
                return new Measurement(1, result.events(), result.seconds(), result.latencyNanos(), result.extras());
            } finally {
                for (Subscription subscription : subscriptions) {
                    subscription.close();
                }
            }
        }
    }

    /**
     * One subscriber on {@code $all}: hands the benchmark's events to its listener, reports when it is caught
     * up. Recording a latency never blocks, so an embedded store may deliver its live events from its
     * shared delivery thread ({@link NonBlockingListener}); a remote client delivers through onEvent.
     */
    private record Subscriber(FanOutListener listener, CountDownLatch caughtUp) implements NonBlockingListener {
        @Override
        public void onEvent(RecordedEvent event) {
            if (Payloads.TYPE.equals(event.type())) {
                listener.accept(event.data());
            }
        }

        @Override
        public boolean offer(RecordedEvent event) {
            onEvent(event);
            return true;
        }

        @Override
        public void onCaughtUp() {
            caughtUp.countDown();
        }

        @Override
        public void onError(Throwable error) {
            listener.fail(error);
        }
    }
}
