package io.strata.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * One Apache Kafka broker in KRaft mode (broker and controller in one process), run from the Kafka
 * artifacts on Maven Central ({@code kafka_2.13}) in a child JVM, as {@code kafka-server-start.sh}
 * would run it (its default heap and GC flags), on loopback, with its data in {@code folder}. The
 * storage folder is formatted first ({@code kafka-storage.sh format}). It offers two targets: topics
 * with {@code flush.messages=1} (fsync before the acknowledgement) and topics with the broker's default
 * (acknowledged from the page cache).
 */
final class KafkaBroker implements PeerServer {
    static final String NAME = "kafka";
    /** kafka-run-class.sh's defaults (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS). */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx1G", "-Xms1G", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final ChildProcesses processes;
    private final String bootstrap;
    private final Admin admin;

    private KafkaBroker(ChildProcesses processes, String bootstrap, Admin admin) {
        this.processes = processes;
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    static KafkaBroker start(Path folder, ChildProcesses processes, Consumer<String> say) throws PeerUnavailable {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        Path properties = folder.resolve("server.properties");
        Path log = folder.resolve("broker.log");
        try {
            Files.createDirectories(folder);
            Files.writeString(properties, serverProperties(folder.resolve("data"), port, controllerPort));
            say.accept("kafka: formatting " + folder.resolve("data"));
            Process format = javaProcess(List.of("kafka.tools.StorageTool", "format", "--cluster-id",
                    Uuid.randomUuid().toString(), "--config", properties.toString()), log).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("kafka-storage format failed; its output: " + tail(log));
            }
            say.accept("kafka: starting the broker on 127.0.0.1:" + port + " (child JVM, log " + log + ")");
            Process broker = javaProcess(List.of("kafka.Kafka", properties.toString()), log).start();
            processes.register(NAME, broker);
            String bootstrap = "127.0.0.1:" + port;
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
            awaitReady(admin, broker, log);
            return new KafkaBroker(processes, bootstrap, admin);
        } catch (IOException | RuntimeException e) {
            processes.stop(NAME);
            throw new PeerUnavailable("kafka: the broker did not start: " + e.getMessage()
                    + ". It runs kafka.Kafka from bench/peers' runtime classpath (build it with ./mvnw -pl bench/peers -am package,"
                    + " or let bench/peers/run do it) and needs two free loopback ports and a writable " + folder, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            processes.stop(NAME);
            throw new PeerUnavailable("kafka: interrupted while starting", e);
        }
    }

    private static String serverProperties(Path data, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + data,
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "");
    }

    private static ProcessBuilder javaProcess(List<String> mainAndArguments, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(mainAndArguments);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    private static void awaitReady(Admin admin, Process broker, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!broker.isAlive()) {
                throw new IOException("the broker exited with " + broker.exitValue() + "; its output: " + tail(log));
            }
            try {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no answer within " + START_TIMEOUT.toSeconds() + " s; its output: " + tail(log));
                }
                Thread.sleep(200);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    Admin admin() {
        return admin;
    }

    static String version() {
        return AppInfoParser.getVersion();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PeerTarget> targets() {
        return List.of(KafkaTarget.of(this, true), KafkaTarget.of(this, false));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        processes.stop(NAME);
    }

    /** The properties of a topic for one run: one partition, one replica, and the fsync setting. */
    static NewTopic topic(String name, boolean fsync) {
        NewTopic topic = new NewTopic(name, 1, (short) 1);
        return fsync ? topic.configs(Map.of("flush.messages", "1")) : topic;
    }
}
