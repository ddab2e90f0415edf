package io.strata.bench.peers;

import java.util.List;

/**
 * A peer's server, started by the harness on loopback in a folder of its own, with the targets it
 * offers (Kafka offers two: with and without {@code flush.messages=1}). Closing stops the server.
 */
interface PeerServer extends AutoCloseable {
    /** The peer's name: {@code kafka}, {@code nats-jetstream} or {@code postgres}. */
    String name();

    List<PeerTarget> targets();

    @Override
    void close();
}
