package io.strata.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.strata.core.Durability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real server in a child JVM ({@link ServerProcessMain}) that a test can kill with SIGKILL or freeze
 * with SIGSTOP: what happens to a client when its server dies or hangs, which an in-process server,
 * closing politely, cannot show.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int grpcPort;

    private ServerProcess(Process process, int grpcPort) {
        this.process = process;
        this.grpcPort = grpcPort;
    }

    static ServerProcess start(Path folder, Durability durability) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                ServerProcessMain.class.getName(), folder.toString(), durability.wireName()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("grpc-port=")) {
                        return Integer.parseInt(line.substring("grpc-port=".length()));
                    }
                }
                throw new IllegalStateException("the server process ended before serving");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return new ServerProcess(process, port.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the server process did not start", e);
        }
    }

    String address() {
        return "127.0.0.1:" + grpcPort;
    }

    /** SIGKILL: the server gets no chance to answer, flush or close its connections politely. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: the server's sockets stay open, but nothing answers. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + exit);
        }
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            try {
                resume();
                kill();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
