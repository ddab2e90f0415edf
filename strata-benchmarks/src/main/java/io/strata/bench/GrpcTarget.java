package io.strata.bench;

import io.strata.client.StrataClient;
import io.strata.core.EventStore;
import io.strata.server.StrataServer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code strata-grpc}: one {@link StrataClient} (gRPC on one HTTP/2 connection), shared by all the
 * workload's client threads as a service would share it, to a server in the same JVM, on loopback. The
 * appends of all threads go out together on the client's few shared append streams; subscriptions are
 * one call each.
 */
final class GrpcTarget extends InProcessServerTarget {
    @Override
    public String name() {
        return Targets.GRPC;
    }

    @Override
    protected EventStore connect(StrataServer server) {
        return StrataClient.connect(server.grpcAddress()); // the server's gRPC port: a free one, as httpPort is 0
    }

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>(super.facts());
        facts.put("protocol", "gRPC (HTTP/2, protobuf)");
        return facts;
    }
}
