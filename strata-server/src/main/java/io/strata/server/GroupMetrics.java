package io.strata.server;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.strata.core.StrataException;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.groups.GroupStatus;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The consumer groups' gauges on {@code /metrics}, one series per group (label {@code group}):
 *
 * <ul>
 *   <li>{@code strata_group_lag} — source events not yet acked, skipped or parked ({@link GroupStatus#lag()})</li>
 *   <li>{@code strata_group_in_flight} — messages delivered and waiting for their ack</li>
 *   <li>{@code strata_group_parked} — parked messages (not counting those being replayed)</li>
 *   <li>{@code strata_group_consumers} — consumers present</li>
 * </ul>
 *
 * <p>Design note: computed at scrape time from {@link ConsumerGroups#list()} rather than registered as
 * Micrometer gauges, because groups come and go through any transport (HTTP today, gRPC and the CLI's
 * local folder mode too) and the registry announces neither: a collector asked at each scrape shows
 * exactly the groups of that moment, never a deleted group's stale series, and costs one status
 * (one lock acquisition) per group per scrape. Registered on the Prometheus registry under Micrometer's
 * {@code PrometheusMeterRegistry}, so its series are in the same scrape.
 */
final class GroupMetrics implements MultiCollector {
    private final ConsumerGroups groups;

    GroupMetrics(ConsumerGroups groups) {
        this.groups = groups;
    }

    @Override
    public MetricSnapshots collect() {
        List<GroupStatus> statuses;
        try {
            statuses = groups.list();
        } catch (StrataException closing) {
            return new MetricSnapshots(); // the registry closed: a scrape during shutdown shows no groups
        }
        return MetricSnapshots.of(
                gauge("strata_group_lag", "Source events the group has not yet acked, skipped or parked", statuses, GroupStatus::lag),
                gauge("strata_group_in_flight", "Messages delivered and waiting for their ack", statuses, GroupStatus::inFlight),
                gauge("strata_group_parked", "Parked messages, not counting those being replayed", statuses, GroupStatus::parked),
                gauge("strata_group_consumers", "Consumers present: fetching, or fetched within the ack timeout", statuses,
                        GroupStatus::consumers));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("strata_group_lag", "strata_group_in_flight", "strata_group_parked", "strata_group_consumers");
    }

    private static GaugeSnapshot gauge(String name, String help, List<GroupStatus> statuses, ToDoubleFunction<GroupStatus> value) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
        for (GroupStatus status : statuses) {
            gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("group", status.name()))
                    .value(value.applyAsDouble(status))
                    .build());
        }
        return gauge.build();
    }
}
