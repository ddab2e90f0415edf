package io.strata.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on loopback, for peers that must be told their port before they start. */
final class FreePorts {
    private FreePorts() {
    }

    /** A port nothing listens on now (the OS's choice); another process could still take it before the peer does. */
    static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on loopback", e);
        }
    }
}
