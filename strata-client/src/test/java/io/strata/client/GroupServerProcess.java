package io.strata.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.strata.core.Durability;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real server in a child JVM on a fixed gRPC port, so that a test can SIGKILL it and start it again
 * on the same folder and port, the way an operator's restart looks to a client. Its {@link #main}
 * serves until killed.
 */
final class GroupServerProcess implements AutoCloseable {
    private final Process process;

    private GroupServerProcess(Process process) {
        this.process = process;
    }

    /** Starts a server on {@code folder} with durability fsync on {@code grpcPort}; returns once it serves. */
    static GroupServerProcess start(Path folder, int grpcPort) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", classPath, GroupServerProcess.class.getName(),
                folder.toString(), Integer.toString(grpcPort)))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals("serving")) {
                        return;
                    }
                }
                throw new IllegalStateException("the server process ended before serving");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            serving.get(60, TimeUnit.SECONDS);
            return new GroupServerProcess(process);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the server process did not start", e);
        }
    }

    /** SIGKILL: no last checkpoint, no goodbye to the clients. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        StrataServer.start(ServerConfig.builder(Path.of(args[0])).httpPort(0).grpcPort(Integer.parseInt(args[1]))
                .durability(Durability.FSYNC).memtableEntries(ServedClient.MEMTABLE_ENTRIES).build());
        System.out.println("serving");
        System.out.flush();
        Thread.currentThread().join();
    }
}
