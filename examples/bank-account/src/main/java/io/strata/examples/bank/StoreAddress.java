package io.strata.examples.bank;

import io.strata.client.StrataClient;
import io.strata.core.EventStore;
import io.strata.storage.EmbeddedEventStore;
import io.strata.storage.StoreConfig;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the events live, as given on the command line. Both kinds give the same {@link EventStore}
 * interface with the same semantics; nothing else in the example knows which one it has.
 */
public sealed interface StoreAddress {

    /** Opens or connects to the store; the caller closes it. */
    EventStore open();

    /**
     * {@code embedded:DIR} or {@code grpc:HOST:PORT}.
     *
     * @throws IllegalArgumentException anything else
     */
    static StoreAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.startsWith("embedded:") && text.length() > "embedded:".length()) {
            return new Embedded(Path.of(text.substring("embedded:".length())));
        }
        if (text.startsWith("grpc:") && text.lastIndexOf(':') > "grpc:".length()) {
            return new Remote(text.substring("grpc:".length()));
        }
        throw new IllegalArgumentException("--store is embedded:DIR or grpc:HOST:PORT, got '" + text + "'");
    }

    /**
     * The embedded engine in this process, storing to {@code directory} (created if missing), with
     * the default durability: an append is answered after fsync. One process at a time.
     */
    record Embedded(Path directory) implements StoreAddress {
        public Embedded {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public EventStore open() {
            return EmbeddedEventStore.open(StoreConfig.builder(directory).build());
        }

        @Override
        public String toString() {
            return "embedded:" + directory;
        }
    }

    /** A {@code strata serve} over gRPC; the client connects on first use. */
    record Remote(String hostAndPort) implements StoreAddress {
        public Remote {
            Objects.requireNonNull(hostAndPort, "hostAndPort");
        }

        @Override
        public EventStore open() {
            return StrataClient.connect(hostAndPort);
        }

        @Override
        public String toString() {
            return "grpc:" + hostAndPort;
        }
    }
}
