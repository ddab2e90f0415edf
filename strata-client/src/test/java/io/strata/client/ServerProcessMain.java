package io.strata.client;

import io.strata.core.Durability;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.nio.file.Path;

/**
 * A Strata server alone in a child JVM, for tests that kill or pause the server for real. Arguments:
 * the data folder and the durability. Prints {@code grpc-port=N} once serving, then serves until killed.
 */
public final class ServerProcessMain {
    private ServerProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StrataServer server = StrataServer.start(ServerConfig.builder(Path.of(args[0])).httpPort(0).grpcPort(0)
                .durability(Durability.parse(args[1])).memtableEntries(ServedClient.MEMTABLE_ENTRIES).build());
        System.out.println("grpc-port=" + server.grpcPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
