package io.strata.bench;

/** The workloads over gRPC ({@code strata-grpc}, one shared {@code StrataClient}). */
class GrpcTargetTest extends ServerTargetContract {
    @Override
    String target() {
        return "strata-grpc";
    }

    @Override
    String protocol() {
        return "gRPC (HTTP/2, protobuf)";
    }
}
