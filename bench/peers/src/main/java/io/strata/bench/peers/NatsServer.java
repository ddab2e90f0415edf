package io.strata.bench.peers;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code nats-server} with JetStream (Debian's package, 2.9.10 here), started on loopback with its
 * store in {@code folder}. One target: file storage, whose acknowledgement means written, not
 * fsync'd: 2.9's file store syncs on a timer (every 2 minutes) and has no setting to change that
 * ({@code sync_interval} came in 2.10).
 */
final class NatsServer implements PeerServer {
    static final String NAME = "nats-jetstream";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final ChildProcesses processes;
    private final Connection connection;

    private NatsServer(ChildProcesses processes, Connection connection) {
        this.processes = processes;
        this.connection = connection;
    }

    static NatsServer start(Path folder, ChildProcesses processes, Consumer<String> say) throws PeerUnavailable {
        String binary = System.getProperty("strata.peers.nats-server", "nats-server");
        int port = FreePorts.next();
        Path log = folder.resolve("nats-server.log");
        try {
            Files.createDirectories(folder);
            say.accept("nats-jetstream: starting " + binary + " -js on 127.0.0.1:" + port + " (log " + log + ")");
            Process server = new ProcessBuilder(binary, "-a", "127.0.0.1", "-p", String.valueOf(port), "-js",
                    "-sd", folder.resolve("jetstream").toString(), "-l", log.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("stdout.log").toFile()))
                    .start();
            processes.register(NAME, server);
            return new NatsServer(processes, connect("nats://127.0.0.1:" + port, server, log));
        } catch (IOException e) {
            processes.stop(NAME);
            throw new PeerUnavailable("nats-jetstream: cannot start '" + binary + "': " + e.getMessage()
                    + ". Install it with: apt-get install -y nats-server (bench/peers/run does that when it is missing)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            processes.stop(NAME);
            throw new PeerUnavailable("nats-jetstream: interrupted while starting", e);
        }
    }

    private static Connection connect(String url, Process server, Path log) throws IOException, InterruptedException {
        Options options = Options.builder().server(url)
                // W6's writer keeps up to 10,000 publishes in flight; the default queue holds 5,000
                .maxMessagesInOutgoingQueue(65_536)
                // an async publish whose ack has not come within this is cancelled (and W6 failed): under W6's
                // fan-out the server acknowledges late, which is a figure to measure, not an error
                .requestCleanupInterval(Duration.ofMinutes(2))
                .connectionTimeout(Duration.ofSeconds(2))
                .errorListener(new QuietErrorListener())
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new IOException("it exited with " + server.exitValue() + "; see " + log);
            }
            try {
                Connection connection = Nats.connect(options);
                connection.jetStreamManagement().getAccountStatistics(); // fails until JetStream is ready
                return connection;
            } catch (IOException | JetStreamApiException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no JetStream answer within " + START_TIMEOUT.toSeconds() + " s (" + e + "); see " + log);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Reports errors and exceptions; stays quiet about the flow-control and heartbeat events of ordered
     * consumers, which the default listener logs at INFO for every subscriber (hundreds a second in W6).
     */
    private static final class QuietErrorListener implements ErrorListener {
        @Override
        public void errorOccurred(Connection connection, String error) {
            System.err.println("nats-jetstream: server error: " + error);
        }

        @Override
        public void exceptionOccurred(Connection connection, Exception exception) {
            System.err.println("nats-jetstream: client exception: " + exception);
        }

        @Override
        public void slowConsumerDetected(Connection connection, io.nats.client.Consumer consumer) { // not java.util.function.Consumer
            System.err.println("nats-jetstream: a subscriber fell behind its pending limit and drops messages");
        }
    }

    Connection connection() {
        return connection;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PeerTarget> targets() {
        return List.of(NatsTarget.of(this));
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            processes.stop(NAME);
        }
    }
}
