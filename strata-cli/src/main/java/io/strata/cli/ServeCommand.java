package io.strata.cli;

import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code strata serve}: the HTTP/JSON + SSE and gRPC server over a local store, until SIGTERM/SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a store over HTTP/JSON + SSE and gRPC.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private GlobalOptions global;

    @Mixin
    private DurabilityOption durability;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String bind;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "7700", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int httpPort;

    @Option(names = "--grpc-port", paramLabel = "N", defaultValue = "7701", description = "gRPC port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int grpcPort;

    @Override
    public Integer call() throws InterruptedException {
        global.requireLocal("serve serves a local folder (--db); --url names a server to talk to");
        StrataServer server = StrataServer.start(ServerConfig.builder(global.db())
                .bindAddress(bind)
                .httpPort(httpPort)
                .grpcPort(grpcPort)
                .durability(durability.durability())
                .build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "strata-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("strata: listening on " + server.httpUrl() + " (HTTP) and " + server.grpcAddress() + " (gRPC); data "
                + global.db() + ", durability " + durability.durability().wireName());
        out.flush();
        stopped.await();
        return 0;
    }
}
