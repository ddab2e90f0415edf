package io.strata.bench.peers;

import io.strata.bench.BenchRequest;
import io.strata.bench.WorkloadRunner;
import io.strata.bench.WorkloadSizes;
import io.strata.core.Durability;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs the comparison: starts the peers, then for each workload runs it on every Strata target (through
 * the Strata driver, {@link WorkloadRunner}) at each durability, and on every peer target, one after
 * the other, so that the rows of one workload are measured minutes apart at most (this disk's fsync
 * latency drifts). Result lines go to {@code lines}, progress to {@code progress}; everything started
 * is stopped at the end, or by {@link ChildProcesses}' shutdown hook on Ctrl-C.
 *
 * <pre>
 *   start peers ──▶ for W in workloads: strata targets × durabilities ──▶ peer targets ──▶ stop peers
 *                                         (WorkloadRunner, in this JVM)    (PeerWorkload over PeerLog)
 * </pre>
 */
final class SideBySide {
    private final PeersOptions options;
    private final WorkloadSizes sizes;
    private final Consumer<String> lines;
    private final Consumer<String> progress;
    private final ChildProcesses processes;
    private int logs;

    /** {@code sizes}: {@link PeersOptions#sizes()}, or smaller in tests. */
    SideBySide(PeersOptions options, WorkloadSizes sizes, ChildProcesses processes, Consumer<String> lines,
               Consumer<String> progress) {
        this.options = options;
        this.sizes = sizes;
        this.processes = processes;
        this.lines = lines;
        this.progress = progress;
    }

    /** Starts the peers, runs everything, stops the peers. Returns 0 when every run produced its line, 1 otherwise. */
    int run() {
        boolean failed = false;
        List<PeerServer> servers = new ArrayList<>();
        try {
            for (String peer : options.peers()) {
                try {
                    servers.add(start(peer, options.work().resolve(peer)));
                } catch (PeerUnavailable e) {
                    progress.accept(e.getMessage());
                    failed = true;
                }
            }
            failed |= runWith(servers) != 0;
        } finally {
            for (PeerServer server : servers) {
                server.close();
            }
        }
        return failed ? 1 : 0;
    }

    /** Runs every workload on the Strata targets and on the targets of {@code servers}, which stay running. */
    int runWith(List<PeerServer> servers) {
        boolean failed = false;
        for (String workload : options.workloads()) {
            for (String strata : options.strataTargets()) {
                for (Durability durability : options.strataDurabilities()) {
                    BenchRequest request = new BenchRequest(List.of(workload), strata, sizes.quick(), durability,
                            options.work().resolve("strata"));
                    failed |= WorkloadRunner.run(request, sizes, lines, progress) != 0;
                }
            }
            for (PeerServer server : servers) {
                for (PeerTarget target : server.targets()) {
                    failed |= !runPeer(workload, target);
                }
            }
        }
        return failed ? 1 : 0;
    }

    private PeerServer start(String peer, Path folder) throws PeerUnavailable {
        return switch (peer) {
            case KafkaBroker.NAME -> KafkaBroker.start(folder, processes, progress);
            case NatsServer.NAME -> NatsServer.start(folder, processes, progress);
            case PostgresServer.NAME -> PostgresServer.start(folder, processes, progress);
            default -> throw new IllegalArgumentException("no peer " + peer);
        };
    }

    private boolean runPeer(String workload, PeerTarget target) {
        Optional<String> unsupported = target.unsupported(workload);
        Optional<PeerWorkload> driver = PeerWorkloads.named(workload);
        if (unsupported.isPresent() || driver.isEmpty()) {
            lines.accept(PeerLines.notSupported(workload, target.name(), target.durability(), target.facts(), sizes.quick(),
                    unsupported.orElse("no peer driver for " + workload)));
            return true;
        }
        String name = workload.toLowerCase(Locale.ROOT) + "-" + (++logs);
        progress.accept(workload + " starting against " + target.name() + " (durability " + target.durability()
                + (sizes.quick() ? ", quick" : "") + ")");
        try (PeerLog log = target.createLog(name)) {
            PeerMeasurement measurement = driver.get().run(new PeerRun(workload, sizes, target, log, progress));
            lines.accept(PeerLines.result(workload, target.name(), target.durability(), target.facts(), sizes.quick(),
                    measurement));
            progress.accept(workload + " done");
            return true;
        } catch (Exception e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            progress.accept(workload + " failed against " + target.name() + " (" + target.durability() + "): " + e + "\n" + trace);
            return false;
        }
    }
}
