package io.strata.bench;

import java.util.List;

/**
 * The targets of bench/WORKLOADS.md by name: the ones that run, and for the others, why not yet.
 *
 * <p>Adding {@code strata-grpc} is one class beside {@link HttpTarget} (start the server with a gRPC
 * port, connect the gRPC client to it) and one line in {@link #named}.
 */
final class Targets {
    static final String EMBEDDED = "strata-embedded";
    static final String HTTP = "strata-http";
    static final String GRPC = "strata-grpc";
    static final List<String> PEERS = List.of("kafka", "nats-jetstream", "postgres");

    private Targets() {
    }

    /** The target called {@code name}; throws {@link Unavailable} saying why when there is none to run. */
    static Target named(String name) throws Unavailable {
        return switch (name) {
            case EMBEDDED -> new EmbeddedTarget();
            case HTTP -> new HttpTarget();
            case GRPC -> new GrpcTarget();
            case "kafka", "nats-jetstream", "postgres" -> throw new Unavailable("target " + name
                    + " is a peer: peers run with bench/peers/run, which starts them and runs these workloads"
                    + " against them and against Strata side by side");
            default -> throw new Unavailable("unknown target '" + name + "': the targets are " + EMBEDDED + ", "
                    + GRPC + ", " + HTTP + ", " + String.join(", ", PEERS) + " (see bench/WORKLOADS.md)");
        };
    }

    /** A target that cannot run; the message says why, for the progress channel. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
