import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * How much CPU writing new data into the page cache costs on this machine: writes zeros to a new file
 * a chunk at a time (no fsync), prints MB/s and the writing thread's CPU per MB, then deletes the file.
 *
 * <pre>
 *   java bench/tools/NewPageCost.java [chunk KiB = 256] [total MiB = 1024] [folder = .]
 * </pre>
 *
 * Run it twice in a row: the first run takes pages the guest has not used for a while, the second
 * mostly the pages the first one's file gave back. On the Firecracker VMs Strata is measured on, the
 * first costs several times the second (docs/benchmarks.md, "Where W3 goes: new page-cache pages").
 */
public final class NewPageCost {
    public static void main(String[] args) throws Exception {
        int chunk = (args.length > 0 ? Integer.parseInt(args[0]) : 256) << 10;
        long total = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        Path file = Files.createTempFile(Path.of(args.length > 2 ? args[2] : "."), "new-page-cost", ".dat");
        ByteBuffer zeros = ByteBuffer.allocateDirect(chunk);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long started = System.nanoTime();
            long cpuStarted = threads.getCurrentThreadCpuTime();
            for (long at = 0; at < total; at += chunk) {
                zeros.clear();
                while (zeros.hasRemaining()) {
                    channel.write(zeros, at + zeros.position());
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double cpuMillis = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e6;
            System.out.printf(Locale.ROOT, "%d MiB in %d KiB writes: %.0f MB/s, %.2f ms of CPU per MiB%n",
                    total >> 20, chunk >> 10, total / 1e6 / seconds, cpuMillis / (total >> 20));
        } finally {
            Files.delete(file);
        }
    }
}
