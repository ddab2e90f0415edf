package io.strata.bench;

import io.strata.core.Durability;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The workload driver: runs the workloads of {@code bench/WORKLOADS.md} against a target and
 * prints one JSON line per run.
 *
 * <pre>
 *   BenchRequest ──▶ WorkloadRunner ──▶ for each workload: fresh folder ─▶ Workload.run ─▶ Measurement
 *                                          │                                                  │
 *                          progress ◀──────┘ phases and counts        jsonLines ◀── one line ─┘
 * </pre>
 *
 * The store of each run comes from the {@link Target} ({@link Targets}): {@code strata-embedded},
 * {@code strata-grpc} and {@code strata-http} run W1 to W7. Asking for another target (a peer: those run
 * with {@code bench/peers/run}) prints why on the progress channel, prints no result line, and makes the
 * exit code 1.
 */
public final class WorkloadRunner {
    private static final Map<String, Supplier<Workload>> RUNNABLE = Map.of(
            "W1", W1SerialAppends::new,
            "W2", W2ConcurrentAppends::new,
            "W3", W3BatchedAppends::new,
            "W4", W4CatchUpRead::new,
            "W5", W5StreamRead::new,
            "W6", W6LiveFanOut::new,
            "W7", W7ConsumerGroup::new);

    private WorkloadRunner() {
    }

    /**
     * Runs each workload against the target; one JSON line per run to {@code jsonLines}, human
     * progress to {@code progress}. Returns an exit code (0 ok, 1 failure/unsupported).
     */
    public static int run(BenchRequest request, Consumer<String> jsonLines, Consumer<String> progress) {
        WorkloadSizes sizes = request.quick() ? WorkloadSizes.forQuickRun() : WorkloadSizes.full();
        return run(request, sizes, jsonLines, progress);
    }

    /** {@link #run(BenchRequest, Consumer, Consumer)} with explicit sizes: how tests run tiny workloads. */
    public static int run(BenchRequest request, WorkloadSizes sizes, Consumer<String> jsonLines, Consumer<String> progress) {
        Consumer<String> say = synchronizedConsumer(progress);
        Consumer<String> out = synchronizedConsumer(jsonLines);
        String targetName = request.target() == null ? Targets.EMBEDDED : request.target();
        Durability durability = request.durability() == null ? Durability.FSYNC : request.durability();

        List<String> workloads = new ArrayList<>();
        for (String name : request.workloads()) {
            String id = name.trim().toUpperCase(Locale.ROOT);
            if (!RUNNABLE.containsKey(id)) {
                say.accept("unknown workload '" + name + "': the workloads are W1 to W7 (see bench/WORKLOADS.md)");
                return 1;
            }
            workloads.add(id);
        }
        if (workloads.isEmpty()) {
            say.accept("no workload given: name one or more of W1 to W7");
            return 1;
        }
        Target target;
        try {
            target = Targets.named(targetName);
        } catch (Targets.Unavailable e) {
            say.accept(e.getMessage());
            return 1;
        }
        if (request.workDirectory() == null) {
            say.accept("no work directory given");
            return 1;
        }

        int exit = 0;
        for (String id : workloads) {
            if (!runOne(id, RUNNABLE.get(id).get(), target, durability, sizes, request.workDirectory(), out, say)) {
                exit = 1;
            }
        }
        return exit;
    }

    private static boolean runOne(String id, Workload workload, Target target, Durability durability, WorkloadSizes sizes,
                                  Path workDirectory, Consumer<String> out, Consumer<String> say) {
        Path folder;
        try {
            Files.createDirectories(workDirectory);
            folder = Files.createTempDirectory(workDirectory, id.toLowerCase(Locale.ROOT) + "-");
        } catch (IOException e) {
            say.accept(id + " failed: cannot make a folder in " + workDirectory + ": " + e);
            return false;
        }
        say.accept(id + " starting against " + target.name() + " (durability " + durability.wireName()
                + (sizes.quick() ? ", quick" : "") + ") in " + folder);
        try {
            Measurement measurement = workload.run(new RunContext(id, sizes, durability, folder, target, say));
            out.accept(line(id, target.name(), target.facts(), durability, sizes.quick(), measurement));
            say.accept(id + " done");
            return true;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            say.accept(id + " failed: " + e + "\n" + stackTrace(e));
            return false;
        } finally {
            try {
                deleteRecursively(folder);
            } catch (IOException e) {
                say.accept(id + ": could not delete " + folder + ": " + e);
            }
        }
    }

    /**
     * The result line ({@link ResultLines}): the fields of bench/WORKLOADS.md in order, the workload's
     * extras, the target's facts (such as where its server runs), the client threads, then quick and machine.
     */
    static String line(String id, String target, Map<String, Object> targetFacts, Durability durability, boolean quick,
                       Measurement m) {
        JsonLine json = ResultLines.start(id, target, durability.wireName());
        ResultLines.addFigures(json, m.clients(), m.events(), m.seconds(), m.eventsPerSecond(), m.latencyNanos());
        return ResultLines.endMeasured(json, m.extras(), targetFacts, quick);
    }

    private static Consumer<String> synchronizedConsumer(Consumer<String> consumer) {
        Object lock = new Object();
        return text -> {
            synchronized (lock) {
                consumer.accept(text);
            }
        };
    }

    private static String stackTrace(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString().strip();
    }

    static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
