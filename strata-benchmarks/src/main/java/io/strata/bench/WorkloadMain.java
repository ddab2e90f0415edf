package io.strata.bench;

import io.strata.core.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the workload driver without the CLI:
 * {@code java -cp "strata-benchmarks/target/*:strata-benchmarks/target/lib/*" io.strata.bench.WorkloadMain W1 W2 --quick}.
 * Result lines go to standard output, progress to standard error.
 *
 * <pre>
 *   WorkloadMain W1 [W2 …] [--quick] [--target strata-embedded|strata-http] [--durability fsync|batched|none] [--dir FOLDER]
 * </pre>
 */
public final class WorkloadMain {
    private WorkloadMain() {
    }

    public static void main(String[] args) {
        List<String> workloads = new ArrayList<>();
        boolean quick = false;
        String target = Targets.EMBEDDED;
        Durability durability = Durability.FSYNC;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "strata-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--target" -> target = value(args, ++i);
                case "--durability" -> durability = Durability.parse(value(args, ++i));
                case "--dir" -> dir = Path.of(value(args, ++i));
                case "-h", "--help" -> {
                    System.out.println("usage: WorkloadMain W1 [W2 ...] [--quick] [--target strata-embedded|strata-http]"
                            + " [--durability fsync|batched|none] [--dir FOLDER]");
                    return;
                }
                default -> workloads.add(args[i]);
            }
        }
        int exit = WorkloadRunner.run(new BenchRequest(workloads, target, quick, durability, dir),
                line -> {
                    System.out.println(line);
                    System.out.flush();
                },
                System.err::println);
        System.exit(exit);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println(args[i - 1] + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
