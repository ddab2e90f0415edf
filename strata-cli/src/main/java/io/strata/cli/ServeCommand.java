package io.strata.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code strata serve}: the flags of spec/cli.md are accepted; running needs the server module. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a store over HTTP/JSON + SSE and gRPC (needs the server module: not built yet).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Mixin
    private DurabilityOption durability;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String bind;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "7700", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    private int httpPort;

    @Option(names = "--grpc-port", paramLabel = "N", defaultValue = "7701", description = "gRPC port (default: ${DEFAULT-VALUE}).")
    private int grpcPort;

    @Override
    public Integer call() {
        throw ServerModule.missing("strata serve");
    }
}
