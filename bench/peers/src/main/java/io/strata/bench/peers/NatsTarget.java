package io.strata.bench.peers;

import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.util.Map;

/**
 * JetStream as an event log: each run gets its own stream (file storage, one replica) whose subjects
 * are {@code <stream>.<event stream>}, so that a subject is an event stream. The condition on an
 * append is JetStream's {@code Nats-Expected-Last-Subject-Sequence}: the append fails unless the
 * subject's last message is the one the writer saw, which is Strata's expected revision in JetStream's
 * terms.
 */
final class NatsTarget {
    private NatsTarget() {
    }

    /** The one target of {@code server}: file storage, acknowledged before fsync. */
    static PeerTarget of(NatsServer server) {
        Map<String, Object> condition = Map.of("condition", "Nats-Expected-Last-Subject-Sequence");
        return new PeerTarget(NatsServer.NAME, "page-cache",
                PeerLines.facts(
                        "server", "nats-server " + server.connection().getServerInfo().getVersion() + ", JetStream",
                        "storage", "file, 1 replica",
                        "fsync", "on the server's 2-minute timer (2.9 has no setting for it)",
                        "client", "jnats " + Nats.CLIENT_VERSION + ", one connection"),
                Map.of("W7", "competing JetStream consumers do not keep per-subject order (no per-stream"
                        + " ordering among a group's consumers)"),
                Map.of(
                        "W1", condition,
                        "W2", condition,
                        "W3", Map.of("expectedRevision", "first event of each append only",
                                "batch", "100 publishes in flight, each acknowledged; not atomic (no batch publish in 2.9)"),
                        "W4", Map.of("reader", "pull consumer from the first message, AckNone, fetch of a page"),
                        "W5", Map.of("reader", "an ordered consumer filtered on the stream's subject, created and deleted per read"),
                        "W6", Map.of("subscriber", "an ordered push consumer each (DeliverNew), on one connection")),
                true, // Nats-Expected-Last-Subject-Sequence
                name -> {
                    String stream = name.replaceAll("[^A-Za-z0-9_-]", "_");
                    server.connection().jetStreamManagement().addStream(StreamConfiguration.builder()
                            .name(stream)
                            .subjects(stream + ".>")
                            .storageType(StorageType.File)
                            .replicas(1)
                            .build());
                    return new NatsLog(server.connection(), stream);
                });
    }
}
