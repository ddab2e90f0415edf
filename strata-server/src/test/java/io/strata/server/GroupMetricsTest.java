package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.server.groups.ConsumerGroup;
import io.strata.server.groups.ConsumerGroups;
import io.strata.server.groups.GroupSettings;
import io.strata.server.groups.GroupSource;
import io.strata.server.groups.Message;
import io.strata.server.groups.NackAction;
import io.strata.server.groups.Ordering;
import io.strata.server.groups.StartFrom;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-group gauges, computed at each scrape of a Micrometer Prometheus registry. */
class GroupMetricsTest {
    @TempDir
    Path dir;

    private EmbeddedEventStore store;
    private ConsumerGroups groups;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @BeforeEach
    void open() {
        store = EmbeddedEventStore.open(StoreConfig.builder(dir).durability(Durability.NONE).build());
        groups = ConsumerGroups.open(store, dir);
        registry.getPrometheusRegistry().register(new GroupMetrics(groups));
    }

    @AfterEach
    void close() {
        registry.close();
        groups.close();
        store.close();
    }

    private static double sample(String text, String name, String group) {
        String prefix = name + "{group=\"" + group + "\"} ";
        return text.lines().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Double.parseDouble(line.substring(prefix.length())))
                .orElseThrow(() -> new AssertionError("no " + prefix + "in\n" + text));
    }

    @Test
    void eachGroupHasItsSeriesAsOfTheScrape() {
        store.append("order-1", ExpectedRevision.ANY, IntStream.range(0, 5)
                .mapToObj(i -> EventData.json("Happened", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))).toList());
        ConsumerGroup billing = groups.create("billing", GroupSettings.of(GroupSource.stream("order-1"))
                .withStart(StartFrom.START).withOrdering(Ordering.NONE)).group();
        groups.create("shipping", GroupSettings.of(GroupSource.all()));
        List<Message> fetched = billing.fetch("c1", 2, Duration.ofSeconds(10));
        assertThat(fetched).isNotEmpty();
        billing.nack(List.of(fetched.getFirst().ackId()), NackAction.PARK, Duration.ZERO);

        String text = registry.scrape();

        assertThat(sample(text, "strata_group_lag", "billing")).isEqualTo(4);
        assertThat(sample(text, "strata_group_in_flight", "billing")).isEqualTo(fetched.size() - 1);
        assertThat(sample(text, "strata_group_parked", "billing")).isEqualTo(1);
        assertThat(sample(text, "strata_group_consumers", "billing")).isEqualTo(1);
        assertThat(sample(text, "strata_group_lag", "shipping")).isZero();
        assertThat(text).contains("# TYPE strata_group_lag gauge", "# HELP strata_group_lag ");

        groups.delete("shipping");
        assertThat(registry.scrape()).doesNotContain("group=\"shipping\"").contains("group=\"billing\"");
    }

    @Test
    void noGroupsAndAClosedRegistryScrapeWithoutSeries() {
        assertThat(registry.scrape()).doesNotContain("strata_group_lag{");

        groups.close();

        assertThat(registry.scrape()).doesNotContain("strata_group_lag{");
    }
}
