package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the tests of a real peer server check when they are done with it. */
final class PeerServers {
    private PeerServers() {
    }

    /** Closes {@code server} and checks that its process is gone, and its pid file in {@code pids} with it. */
    static void closeAndCheckGone(PeerServer server, Path pids) throws IOException {
        Path pidFile = pids.resolve(server.name() + ".pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        server.close();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("%s process %d after close", server.name(), pid)
                .isEmpty();
        assertThat(pidFile).doesNotExist();
    }
}
