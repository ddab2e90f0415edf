package io.strata.bench.peers;

import io.strata.bench.MachineInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side harness (issue 6), started by {@code bench/peers/run}: runs the comparison
 * ({@link SideBySide}), prints each result line as it comes (standard output, and
 * {@code <out>/results.jsonl}), then the table ({@link RatioTable}, also {@code <out>/table.md}), and
 * writes the chart ({@link RatioChart}). Progress goes to standard error. Exit code 0 when every run
 * produced its line, 1 when one failed or a peer could not start, 2 for a bad command line. With
 * {@code --from FILE} it only rebuilds the table and the chart from the result lines of an earlier run.
 */
public final class PeersMain {
    private PeersMain() {
    }

    public static void main(String[] args) throws IOException {
        PeersOptions options;
        try {
            options = PeersOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(PeersOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(options.from().isPresent() ? retable(options, options.from().get()) : run(options));
    }

    /** Runs the comparison and reports it; returns the exit code. */
    static int run(PeersOptions options) throws IOException {
        Files.createDirectories(options.out());
        Path results = options.out().resolve("results.jsonl");
        Files.deleteIfExists(results);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        String loadAtStart = loadAverage();
        long start = System.nanoTime();

        ChildProcesses processes = new ChildProcesses(options.work().resolve("pids"), ChildProcesses.GRACE);
        int exit = new SideBySide(options, options.sizes(), processes, line -> {
            System.out.println(line);
            System.out.flush();
            lines.add(line);
            try {
                Files.writeString(results, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.err.println("cannot append to " + results + ": " + e);
            }
        }, message -> System.err.println(elapsed(start) + " " + message)).run();

        double minutes = (System.nanoTime() - start) / 60e9;
        String about = String.format(Locale.ROOT, "%s, %.1f min, load average %s at the start and %s at the end; %s",
                options.quick() ? "a tenth of the Strata driver's quick sizes (--quick)" : "the Strata driver's quick sizes",
                minutes, loadAtStart, loadAverage(), MachineInfo.description());
        report(lines, about, options);
        System.err.println("lines in " + results);
        return exit;
    }

    /** Rebuilds the table and the chart from the result lines in {@code from}, running nothing ({@code --from}). */
    static int retable(PeersOptions options, Path from) throws IOException {
        List<String> lines = Files.readAllLines(from).stream().filter(line -> !line.isBlank()).toList();
        report(lines, "rebuilt from the " + lines.size() + " result lines of " + from.getFileName(), options);
        return 0;
    }

    /** Prints the table and writes it ({@code <out>/table.md}) and the chart. */
    private static void report(List<String> lines, String about, PeersOptions options) throws IOException {
        RatioTable table = new RatioTable(lines.stream().map(ResultLine::parse).toList());
        String markdown = "Side by side: " + about + "\n\n" + table.markdown();
        System.out.println();
        System.out.println(markdown);
        Files.createDirectories(options.out());
        Files.writeString(options.out().resolve("table.md"), markdown);
        RatioChart.write(table.ratios(), about, options.chart());
        System.err.println("table in " + options.out().resolve("table.md") + ", chart in " + options.chart());
    }

    /** Minutes and seconds since {@code start}, e.g. {@code [02:41]}. */
    private static String elapsed(long start) {
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        return String.format(Locale.ROOT, "[%02d:%02d]", seconds / 60, seconds % 60);
    }

    /** The 1-, 5- and 15-minute load averages, as {@code uptime} prints them. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " / " + fields[1] + " / " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
