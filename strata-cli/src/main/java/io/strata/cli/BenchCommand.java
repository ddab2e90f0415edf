package io.strata.cli;

import io.strata.bench.BenchRequest;
import io.strata.bench.WorkloadRunner;
import io.strata.core.InvalidRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata bench W1 … W7}: runs the fixed workloads of bench/WORKLOADS.md through the
 * workload driver; one JSON line per run on standard output, progress on standard error.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run benchmark workloads (bench/WORKLOADS.md): one JSON line per run on stdout, progress on stderr.",
                "Stores are written under --db DIR when given (it must be empty or missing), else in a temporary folder removed afterwards."})
final class BenchCommand implements Callable<Integer> {
    private static final Set<String> WORKLOADS = Set.of("W1", "W2", "W3", "W4", "W5", "W6", "W7");
    private static final Set<String> TARGETS = Set.of("strata-embedded", "strata-grpc", "strata-http");

    @Spec
    private CommandSpec spec;

    @Mixin
    private GlobalOptions global;

    @Mixin
    private DurabilityOption durability;

    @Parameters(arity = "1..*", paramLabel = "W", description = "Workloads to run, W1 to W7.")
    private List<String> workloads;

    @Option(names = "--target", paramLabel = "T", defaultValue = "strata-embedded",
            description = "strata-embedded (default: the engine in this process), strata-grpc or strata-http (a server started in "
                    + "this process, spoken to over gRPC or HTTP on loopback). Peers (kafka, …) run with bench/peers/run.")
    private String target;

    @Option(names = "--quick", description = "Smaller runs, for a smoke test; not for quoting figures.")
    private boolean quick;

    @Override
    public Integer call() throws IOException {
        global.requireLocal("bench starts its own server for --target strata-http; --url is not supported");
        List<String> names = workloads.stream().map(w -> w.toUpperCase(Locale.ROOT)).toList();
        for (String name : names) {
            if (!WORKLOADS.contains(name)) {
                throw new ParameterException(spec.commandLine(), "unknown workload '" + name + "': W1 to W7 (bench/WORKLOADS.md)");
            }
        }
        if (!TARGETS.contains(target)) {
            throw new ParameterException(spec.commandLine(), "unknown --target '" + target + "': strata-embedded, strata-grpc or strata-http");
        }
        Output output = Output.of(spec, global);
        Path workDirectory = global.explicitDb().map(BenchCommand::requireEmpty).orElse(null);
        boolean temporary = workDirectory == null;
        if (temporary) {
            workDirectory = Files.createTempDirectory("strata-bench-");
        }
        try {
            BenchRequest request = new BenchRequest(names, target, quick, durability.durability(), workDirectory);
            return WorkloadRunner.run(request, line -> {
                output.jsonLine(line);
                output.flush();
            }, output::note);
        } finally {
            if (temporary) {
                deleteRecursively(workDirectory);
            }
        }
    }

    /** Benchmarks write and delete stores: never inside a folder that holds something already. */
    private static Path requireEmpty(Path directory) {
        if (Files.isDirectory(directory)) {
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new InvalidRequestException(
                            "bench writes its stores under --db " + directory + ", which is not empty; give an empty or new folder");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return directory;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
