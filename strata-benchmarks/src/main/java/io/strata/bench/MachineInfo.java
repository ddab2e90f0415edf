package io.strata.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code machine} field of a result line: cores, memory, CPU model, kernel and JDK, e.g.
 * {@code "2 cores, 23 GiB RAM, AMD EPYC, Linux 6.18.44, JDK 25.0.3"}.
 */
public final class MachineInfo {
    private static final String DESCRIPTION = describe();

    private MachineInfo() {
    }

    public static String description() {
        return DESCRIPTION;
    }

    private static String describe() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores + (cores == 1 ? " core, " : " cores, ")
                + memoryGiB().map(g -> g + " GiB RAM, ").orElse("")
                + cpuModel().orElse(System.getProperty("os.arch")) + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
                + "JDK " + Runtime.version();
    }

    private static Optional<Long> memoryGiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) { // MemTotal:       24578120 kB
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Optional.of(Math.round(kib / (1024.0 * 1024.0)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the JVM
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Optional.of(Math.round(os.getTotalMemorySize() / (1024.0 * 1024.0 * 1024.0)));
        }
        return Optional.empty();
    }

    private static Optional<String> cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name") && line.indexOf(':') > 0) {
                    return Optional.of(line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " "));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Optional.empty();
    }
}
