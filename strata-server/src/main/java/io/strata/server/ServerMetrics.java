package io.strata.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The server's metrics, served by {@code GET /metrics} in the Prometheus text format (Micrometer).
 *
 * <ul>
 *   <li>{@code strata_append_seconds} — every append's latency as a histogram (count, sum, buckets),
 *       tagged {@code outcome} ({@code ok} or the error code); its {@code _count} is the append count</li>
 *   <li>{@code strata_events_appended_total}, {@code strata_appended_bytes_total} (data + metadata)
 *       — of successful appends (an idempotent retry counts again: the engine does not say it wrote nothing)</li>
 *   <li>{@code strata_events_stored} — the store's event count ({@code /v1/info} {@code events})</li>
 *   <li>{@code strata_subscriptions_open} — open SSE subscriptions</li>
 *   <li>{@code strata_fsync_seconds} — every fsync of the log by the engine's writer, as a histogram;
 *       none in durability {@code none} (until a checkpoint or shutdown makes the log durable)</li>
 *   <li>{@code strata_fsync_appends} — appends made durable per fsync (count, sum, max): the group
 *       commit's size, so {@code _sum / _count} is the mean batch</li>
 * </ul>
 *
 * <p>The consumer groups' gauges ({@code strata_group_lag}, {@code _in_flight}, {@code _parked},
 * {@code _consumers}) are {@link GroupMetrics}, computed at each scrape and {@link #register registered} here.
 *
 * <p>Design note: the engine reports fsyncs to the {@link FsyncRecorder} given to its
 * {@link StoreConfig}, which must exist before the store opens, while these metrics are built after
 * it (they read the store). So the recorder starts unbound and this class binds it to its meters when
 * the store it is given carries one; fsyncs before that (there are no appends yet) are not counted.
 */
final class ServerMetrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter eventsAppended;
    private final Counter bytesAppended;
    private final Timer fsyncs;
    private final DistributionSummary appendsPerFsync;

    ServerMetrics(EventStore store, IntSupplier openSubscriptions) {
        eventsAppended = Counter.builder("strata.events.appended")
                .description("Events written by successful appends")
                .register(registry);
        bytesAppended = Counter.builder("strata.appended")
                .baseUnit("bytes")
                .description("Bytes of data and metadata written by successful appends")
                .register(registry);
        Gauge.builder("strata.events.stored", store, s -> s.info().events())
                .description("Events in the store")
                .strongReference(true)
                .register(registry);
        Gauge.builder("strata.subscriptions.open", openSubscriptions, IntSupplier::getAsInt)
                .description("Open Server-Sent Events subscriptions")
                .strongReference(true) // a method reference nobody else holds: a weak one would read NaN
                .register(registry);
        appendTimer("ok");
        fsyncs = Timer.builder("strata.fsync")
                .description("Duration of each fsync of the log by the engine's writer")
                .publishPercentileHistogram()
                .register(registry);
        appendsPerFsync = DistributionSummary.builder("strata.fsync.appends")
                .description("Appends made durable by each fsync of the log (the group commit's size)")
                .register(registry);
        if (store instanceof EmbeddedEventStore embedded
                && embedded.config().syncObserver() instanceof FsyncRecorder recorder) {
            recorder.bind(this);
        }
    }

    /** Records one fsync of the log (on the engine's writer thread: it stays cheap). */
    void fsynced(long nanos, int appends) {
        fsyncs.record(nanos, TimeUnit.NANOSECONDS);
        appendsPerFsync.record(appends);
    }

    private Timer appendTimer(String outcome) {
        return Timer.builder("strata.append")
                .description("Latency of appends, from parsed request to durable answer")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Records one successful append of {@code events} that took {@code nanos}. */
    void appended(List<EventData> events, long nanos) {
        appendTimer("ok").record(nanos, TimeUnit.NANOSECONDS);
        long bytes = 0;
        for (EventData event : events) {
            bytes += event.data().length + event.metadata().length;
        }
        eventsAppended.increment(events.size());
        bytesAppended.increment(bytes);
    }

    /** Records one failed append (its error code) that took {@code nanos}. */
    void appendFailed(String code, long nanos) {
        appendTimer(code).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Adds series computed at each scrape (the consumer groups' gauges, {@link GroupMetrics}). */
    void register(io.prometheus.metrics.model.registry.MultiCollector collector) {
        registry.getPrometheusRegistry().register(collector);
    }

    /** The Prometheus text exposition (format 0.0.4). */
    String scrape() {
        return registry.scrape();
    }

    void close() {
        registry.close();
    }

    /** The engine's sync observer for a store the server opens: forwards to the metrics once bound. */
    static final class FsyncRecorder implements StoreConfig.SyncObserver {
        private volatile ServerMetrics metrics;

        void bind(ServerMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void synced(long nanos, int appends) {
            ServerMetrics bound = metrics;
            if (bound != null) {
                bound.fsynced(nanos, appends);
            }
        }
    }
}
