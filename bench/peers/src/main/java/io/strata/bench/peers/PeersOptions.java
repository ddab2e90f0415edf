package io.strata.bench.peers;

import io.strata.bench.WorkloadSizes;
import io.strata.core.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The command line of the side-by-side harness:
 * <pre>
 *   PeersMain [--quick] [--peers kafka,nats-jetstream,postgres] [--workloads W1,W2,...]
 *             [--strata strata-embedded,strata-grpc,strata-http] [--strata-durability fsync,batched]
 *             [--work DIR] [--out DIR] [--chart FILE.png] [--from RESULTS.jsonl]
 * </pre>
 *
 * @param work  a scratch folder for the peers' data and the Strata stores; emptied by the caller
 * @param out   where {@code results.jsonl} and {@code table.md} go
 * @param chart where the PNG chart goes
 * @param from  the result lines of an earlier run: rebuild its table and chart instead of running
 */
record PeersOptions(boolean quick, List<String> peers, List<String> workloads, List<String> strataTargets,
                    List<Durability> strataDurabilities, Path work, Path out, Path chart, Optional<Path> from) {
    static final List<String> ALL_WORKLOADS = List.of("W1", "W2", "W3", "W4", "W5", "W6", "W7");
    /** W7 has no peer that supports it (see the targets' reasons), so it is only run when asked for. */
    static final List<String> DEFAULT_WORKLOADS = List.of("W1", "W2", "W3", "W4", "W5", "W6");
    /**
     * {@code --quick} runs a tenth of the default sizes: the whole comparison (six Strata rows, four peer
     * rows, six workloads) then takes about three minutes on 2 cores.
     */
    static final double QUICK_SCALE = 0.1;

    static final String USAGE = "usage: bench/peers/run [--quick] [--peers kafka,nats-jetstream,postgres] [--workloads W1,W2,...]"
            + " [--strata strata-embedded,strata-grpc,strata-http] [--strata-durability fsync,batched]"
            + " [--out DIR] [--chart FILE.png] [--from RESULTS.jsonl]";

    /**
     * The sizes of every run, Strata's and the peers' alike: the Strata driver's quick sizes
     * ({@code ./strata bench --quick}: W4 1 M events, W5 100 K streams, W2/W3/W6 measured for 4 s), or a
     * tenth of them with {@code --quick}. Not WORKLOADS.md's full sizes: writing W4's 10 M events and W5's
     * 1 M streams through {@code strata-http} alone takes longer than the 20 minutes the whole comparison
     * may take here. Every line says {@code "quick": true} accordingly. The default run's warm-ups of W2,
     * W3 and W6 wait for this JVM's JIT ({@link io.strata.bench.JitWarmUp}): with the quick sizes' fixed
     * 1 s, W6 over gRPC measured p99 86 ms in one run and 683 ms in the next.
     */
    WorkloadSizes sizes() {
        return quick ? WorkloadSizes.forQuickRun().scaled(QUICK_SCALE) : WorkloadSizes.forQuickRun().waitingForJit();
    }

    static PeersOptions parse(String... args) {
        boolean quick = false;
        List<String> peers = RatioTable.PEERS;
        List<String> workloads = DEFAULT_WORKLOADS;
        List<String> strata = RatioTable.STRATA_TARGETS;
        List<Durability> durabilities = List.of(Durability.FSYNC, Durability.BATCHED);
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "strata-peers");
        Path out = Path.of("bench", "peers", "target", "peers-run");
        Path chart = null;
        Path from = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--peers" -> peers = names(value(args, ++i), RatioTable.PEERS, "peer");
                case "--workloads" -> workloads = names(value(args, ++i).toUpperCase(Locale.ROOT), ALL_WORKLOADS, "workload");
                case "--strata" -> strata = names(value(args, ++i), RatioTable.STRATA_TARGETS, "Strata target");
                case "--strata-durability" -> durabilities = durabilities(value(args, ++i));
                case "--work" -> work = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--chart" -> chart = Path.of(value(args, ++i));
                case "--from" -> from = Path.of(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        return new PeersOptions(quick, peers, workloads, strata, durabilities, work, out,
                chart == null ? out.resolve("peers.png") : chart, Optional.ofNullable(from));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** A comma-separated list of names, each one of {@code known}, in the order given; "" means none. */
    private static List<String> names(String list, List<String> known, String what) {
        List<String> names = new ArrayList<>();
        for (String name : list.split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!known.contains(trimmed)) {
                throw new IllegalArgumentException("unknown " + what + " '" + trimmed + "': the " + what + "s are "
                        + String.join(", ", known));
            }
            names.add(trimmed);
        }
        return List.copyOf(names);
    }

    private static List<Durability> durabilities(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(name -> switch (name) {
            case "fsync" -> Durability.FSYNC;
            case "batched" -> Durability.BATCHED;
            default -> throw new IllegalArgumentException("--strata-durability takes fsync and/or batched, got '" + name + "'");
        }).toList();
    }
}
