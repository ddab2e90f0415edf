package io.strata.bench.peers;

import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.util.Map;
import java.util.Optional;

/**
 * JetStream as an event log: each run gets its own stream (file storage, one replica) whose subjects
 * are {@code <stream>.<event stream>}, so that a subject is an event stream. The condition on an
 * append is JetStream's {@code Nats-Expected-Last-Subject-Sequence}: the append fails unless the
 * subject's last message is the one the writer saw, which is Strata's expected revision in JetStream's
 * terms.
 */
final class NatsTarget implements PeerTarget {
    private final NatsServer server;

    NatsTarget(NatsServer server) {
        this.server = server;
    }

    @Override
    public String name() {
        return NatsServer.NAME;
    }

    @Override
    public String durability() {
        return "page-cache";
    }

    @Override
    public Map<String, Object> facts() {
        return PeerLines.facts(
                "server", "nats-server " + server.connection().getServerInfo().getVersion() + ", JetStream",
                "storage", "file, 1 replica",
                "fsync", "on the server's 2-minute timer (2.9 has no setting for it)",
                "client", "jnats " + Nats.CLIENT_VERSION + ", one connection");
    }

    @Override
    public Optional<String> unsupported(String workload) {
        return switch (workload) {
            case "W7" -> Optional.of("competing JetStream consumers do not keep per-subject order (no per-stream"
                    + " ordering among a group's consumers)");
            default -> Optional.empty();
        };
    }

    @Override
    public Map<String, Object> workloadFacts(String workload) {
        return switch (workload) {
            case "W1", "W2" -> Map.of("condition", "Nats-Expected-Last-Subject-Sequence");
            case "W3" -> Map.of("expectedRevision", "first event of each append only",
                    "batch", "100 publishes in flight, each acknowledged; not atomic (no batch publish in 2.9)");
            case "W4" -> Map.of("reader", "pull consumer from the first message, AckNone, fetch of a page");
            case "W5" -> Map.of("reader", "an ordered consumer filtered on the stream's subject, created and deleted per read");
            case "W6" -> Map.of("subscriber", "an ordered push consumer each (DeliverNew), on one connection");
            default -> Map.of();
        };
    }

    @Override
    public boolean checksExpectedRevision() {
        return true;
    }

    @Override
    public PeerLog createLog(String name) throws Exception {
        String stream = name.replaceAll("[^A-Za-z0-9_-]", "_");
        server.connection().jetStreamManagement().addStream(StreamConfiguration.builder()
                .name(stream)
                .subjects(stream + ".>")
                .storageType(StorageType.File)
                .replicas(1)
                .build());
        return new NatsLog(server.connection(), stream);
    }
}
