package io.strata.bench.peers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The comparison, from result lines alone: per workload and acknowledgement, each target's figure
 * ({@link Metric}), then Strata ÷ peer for each Strata target against each peer at the same
 * acknowledgement (above 1: Strata ahead), and the bar of issue 6 (Strata ≥ 1× Kafka, ≥ 2× NATS
 * JetStream, ≥ 5× PostgreSQL), judged on {@code strata-grpc}: a Java client to a server over loopback,
 * as the peers are reached. When a target has two lines for the same cell, the last one counts.
 */
final class RatioTable {
    static final List<String> STRATA_TARGETS = List.of("strata-embedded", "strata-grpc", "strata-http");
    static final String LIKE_FOR_LIKE = "strata-grpc";
    static final List<String> PEERS = List.of("kafka", "nats-jetstream", "postgres");
    private static final Map<String, Double> BARS = Map.of("kafka", 1.0, "nats-jetstream", 2.0, "postgres", 5.0);
    private static final List<String> WORKLOADS = List.of("W1", "W2", "W3", "W4", "W5", "W6", "W7");

    /** Strata ÷ {@code peer} for one workload and acknowledgement, per Strata target. */
    record Ratio(String workload, Acknowledgement acknowledgement, String peer, Map<String, OptionalDouble> byStrataTarget,
                 Optional<String> notSupported) {
        OptionalDouble likeForLike() {
            return byStrataTarget.getOrDefault(LIKE_FOR_LIKE, OptionalDouble.empty());
        }

        double bar() {
            return BARS.get(peer);
        }

        /** Whether the like-for-like ratio reaches the bar; empty when there is no ratio. */
        Optional<Boolean> barMet() {
            OptionalDouble ratio = likeForLike();
            return ratio.isPresent() ? Optional.of(ratio.getAsDouble() >= bar()) : Optional.empty();
        }
    }

    private record Cell(String workload, String target, Acknowledgement acknowledgement) {
    }

    private final Map<Cell, ResultLine> cells = new LinkedHashMap<>();

    RatioTable(Collection<ResultLine> lines) {
        for (ResultLine line : lines) {
            Acknowledgement.of(line.durability()).ifPresent(ack -> cells.put(new Cell(line.workload(), line.target(), ack), line));
        }
    }

    List<Ratio> ratios() {
        List<Ratio> ratios = new ArrayList<>();
        for (String workload : WORKLOADS) {
            for (Acknowledgement ack : Acknowledgement.values()) {
                for (String peer : PEERS) {
                    ResultLine peerLine = cells.get(new Cell(workload, peer, ack));
                    if (peerLine == null) {
                        continue;
                    }
                    Metric metric = Metric.of(workload);
                    Map<String, OptionalDouble> byTarget = new LinkedHashMap<>();
                    for (String strata : STRATA_TARGETS) {
                        ResultLine strataLine = cells.get(new Cell(workload, strata, ack));
                        OptionalDouble strataValue = strataLine == null ? OptionalDouble.empty() : metric.value(strataLine);
                        OptionalDouble peerValue = metric.value(peerLine);
                        byTarget.put(strata, strataValue.isPresent() && peerValue.isPresent()
                                ? metric.ratio(strataValue.getAsDouble(), peerValue.getAsDouble()) : OptionalDouble.empty());
                    }
                    ratios.add(new Ratio(workload, ack, peer, byTarget, peerLine.notSupported()));
                }
            }
        }
        return ratios;
    }

    /** The figures table, the ratios table and the reasons for "not supported", in Markdown. */
    String markdown() {
        return figures() + "\n" + ratioRows() + notSupportedReasons();
    }

    private String figures() {
        List<String> targets = new ArrayList<>();
        for (String target : concat(STRATA_TARGETS, PEERS)) {
            if (cells.keySet().stream().anyMatch(cell -> cell.target().equals(target))) {
                targets.add(target);
            }
        }
        StringBuilder out = new StringBuilder("| workload | figure | acknowledged |");
        targets.forEach(target -> out.append(' ').append(target).append(" |"));
        out.append("\n|---|---|---|").append("---|".repeat(targets.size())).append('\n');
        for (String workload : WORKLOADS) {
            Metric metric = Metric.of(workload);
            for (Acknowledgement ack : Acknowledgement.values()) {
                if (targets.stream().noneMatch(target -> cells.containsKey(new Cell(workload, target, ack)))) {
                    continue;
                }
                out.append("| ").append(workload).append(" | ").append(metric.label()).append(" | ").append(ack.label()).append(" |");
                for (String target : targets) {
                    ResultLine line = cells.get(new Cell(workload, target, ack));
                    out.append(' ').append(figure(line, metric)).append(" |");
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String figure(ResultLine line, Metric metric) {
        if (line == null) {
            return "—";
        }
        if (line.notSupported().isPresent()) {
            return "not supported";
        }
        OptionalDouble value = metric.value(line);
        return value.isPresent() ? metric.format(value.getAsDouble()) : "no figure";
    }

    private String ratioRows() {
        StringBuilder out = new StringBuilder("| workload | acknowledged | peer |");
        STRATA_TARGETS.forEach(target -> out.append(' ').append(target).append(" ÷ peer |"));
        out.append(" bar (").append(LIKE_FOR_LIKE).append(") |\n|---|---|---|").append("---|".repeat(STRATA_TARGETS.size())).append("---|\n");
        for (Ratio ratio : ratios()) {
            out.append("| ").append(ratio.workload()).append(" | ").append(ratio.acknowledgement().label()).append(" | ")
                    .append(ratio.peer()).append(" |");
            for (String target : STRATA_TARGETS) {
                out.append(' ').append(ratio.notSupported().isPresent() ? "not supported" : times(ratio.byStrataTarget().get(target)))
                        .append(" |");
            }
            String bar = String.format(Locale.ROOT, "≥ %.0f×", ratio.bar());
            out.append(' ').append(ratio.barMet().map(met -> met ? bar + ": met" : bar + ": **missed**").orElse("—")).append(" |\n");
        }
        return out.toString();
    }

    private String notSupportedReasons() {
        Set<String> reasons = new LinkedHashSet<>();
        for (Ratio ratio : ratios()) {
            ratio.notSupported().ifPresent(reason -> reasons.add("- " + ratio.peer() + ", " + ratio.workload() + ": " + reason));
        }
        return reasons.isEmpty() ? "" : "\nNot supported:\n\n" + String.join("\n", reasons) + "\n";
    }

    private static String times(OptionalDouble ratio) {
        return ratio.isPresent() ? times(ratio.getAsDouble()) : "—";
    }

    private static String times(double ratio) {
        return String.format(Locale.ROOT, ratio >= 10 ? "%.0f×" : ratio >= 1 ? "%.2f×" : "%.3f×", ratio);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
