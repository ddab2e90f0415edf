package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.strata.core.Durability;
import io.strata.core.TooLargeException;
import io.strata.protocol.ProtoErrors;
import io.strata.protocol.v1.AppendRequest;
import io.strata.protocol.v1.AppendResult;
import io.strata.protocol.v1.Direction;
import io.strata.protocol.v1.Error;
import io.strata.protocol.v1.EventData;
import io.strata.protocol.v1.EventStoreGrpc;
import io.strata.protocol.v1.ExpectedRevision;
import io.strata.protocol.v1.Filter;
import io.strata.protocol.v1.InfoRequest;
import io.strata.protocol.v1.InfoResponse;
import io.strata.protocol.v1.ReadAllRequest;
import io.strata.protocol.v1.ReadAllResponse;
import io.strata.protocol.v1.ReadStreamRequest;
import io.strata.protocol.v1.ReadStreamResponse;
import io.strata.protocol.v1.RecordedEvent;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unary calls of the gRPC API against a real server: results, pages and every error the engine gives. */
class GrpcApiTest {
    private static final long END = Long.MAX_VALUE;
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private StrataServer server;
    private ManagedChannel channel;
    private EventStoreGrpc.EventStoreBlockingStub stub;

    @BeforeEach
    void start() {
        server = StrataServer.start(ServerConfig.builder(dir).httpPort(0).grpcPort(0).durability(Durability.NONE)
                .memtableEntries(1024).build());
        // Big enough for a 16 MiB request; answers stay within the default 4 MiB.
        channel = GrpcTestServer.channel(server.grpcPort(), builder -> builder.maxInboundMessageSize(4 * MIB));
        stub = EventStoreGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    static EventData event(String type, String json) {
        return EventData.newBuilder().setType(type).setData(ByteString.copyFromUtf8(json)).build();
    }

    static EventData sized(String type, int dataBytes, int metadataBytes) {
        return EventData.newBuilder().setType(type).setContentType("application/octet-stream")
                .setData(ByteString.copyFrom(filled(dataBytes, (byte) 'd')))
                .setMetadata(ByteString.copyFrom(filled(metadataBytes, (byte) 'm'))).build();
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    static AppendRequest append(String stream, ExpectedRevision expected, EventData... events) {
        return AppendRequest.newBuilder().setStream(stream).setExpectedRevision(expected).addAllEvents(List.of(events)).build();
    }

    static ExpectedRevision any() {
        return ExpectedRevision.newBuilder().setKind(ExpectedRevision.Kind.ANY).build();
    }

    static ExpectedRevision exactly(long revision) {
        return ExpectedRevision.newBuilder().setKind(ExpectedRevision.Kind.EXACT).setRevision(revision).build();
    }

    static ExpectedRevision kind(ExpectedRevision.Kind kind) {
        return ExpectedRevision.newBuilder().setKind(kind).build();
    }

    /** The Error of a failed call, checking its status code and that it carries the trailer. */
    static Error failure(Runnable call, Status.Code status, String code) {
        StatusRuntimeException[] thrown = new StatusRuntimeException[1];
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> thrown[0] = e);
        assertThat(thrown[0].getStatus().getCode()).as("status of %s", thrown[0]).isEqualTo(status);
        assertThat(thrown[0].getStatus().getDescription()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        Error error = thrown[0].getTrailers().get(ProtoErrors.ERROR_KEY);
        assertThat(error).as("strata-error-bin trailer of %s", thrown[0]).isNotNull();
        assertThat(error.getCode()).isEqualTo(code);
        assertThat(error.getMessage()).isNotBlank();
        return error;
    }

    @Test
    void appendedEventsReadBackFromTheStreamAndTheLog() {
        UUID id = UUID.randomUUID();
        AppendResult first = stub.append(append("order-1", kind(ExpectedRevision.Kind.NO_STREAM),
                event("OrderPlaced", "{\"sku\":\"A-1\"}").toBuilder().setId(id.toString())
                        .setMetadata(ByteString.copyFromUtf8("{\"by\":\"test\"}")).build(),
                event("OrderPaid", "{}")));
        AppendResult second = stub.append(append("invoice-1", any(), event("InvoiceSent", "{}")));

        assertThat(first.getStream()).isEqualTo("order-1");
        assertThat(first.getFirstRevision()).isZero();
        assertThat(first.getLastRevision()).isEqualTo(1);
        assertThat(first.getFirstPosition()).isZero();
        assertThat(first.getLastPosition()).isEqualTo(1);
        assertThat(second.getFirstPosition()).isEqualTo(2);

        ReadStreamResponse stream = stub.readStream(ReadStreamRequest.newBuilder().setStream("order-1").build());
        assertThat(stream.getStream()).isEqualTo("order-1");
        assertThat(stream.getLastRevision()).isEqualTo(1);
        assertThat(stream.hasNext()).isFalse();
        assertThat(stream.getEventsList()).extracting(RecordedEvent::getType).containsExactly("OrderPlaced", "OrderPaid");
        RecordedEvent placed = stream.getEvents(0);
        assertThat(placed.getId()).isEqualTo(id.toString());
        assertThat(placed.getData().toStringUtf8()).isEqualTo("{\"sku\":\"A-1\"}");
        assertThat(placed.getMetadata().toStringUtf8()).isEqualTo("{\"by\":\"test\"}");
        assertThat(placed.getContentType()).isEqualTo("application/json");
        assertThat(placed.getRecordedTime().getSeconds()).isEqualTo(first.getRecordedTime().getSeconds());

        ReadStreamResponse backwards = stub.readStream(ReadStreamRequest.newBuilder().setStream("order-1")
                .setFrom(END).setDirection(Direction.BACKWARD).setLimit(1).build());
        assertThat(backwards.getEventsList()).extracting(RecordedEvent::getRevision).containsExactly(1L);
        assertThat(backwards.getNext()).isZero();

        ReadAllResponse all = stub.readAll(ReadAllRequest.newBuilder().build());
        assertThat(all.getEventsList()).extracting(RecordedEvent::getPosition).containsExactly(0L, 1L, 2L);
        ReadAllResponse invoices = stub.readAll(ReadAllRequest.newBuilder()
                .setFilter(Filter.newBuilder().setCategory("invoice")).build());
        assertThat(invoices.getEventsList()).extracting(RecordedEvent::getStream).containsExactly("invoice-1");

        InfoResponse info = stub.info(InfoRequest.getDefaultInstance());
        assertThat(info.getEvents()).isEqualTo(3);
        assertThat(info.getStreams()).isEqualTo(2);
        assertThat(info.getHeadPosition()).isEqualTo(2);
        assertThat(info.getDurability()).isEqualTo("none");
        assertThat(info.getEngine()).isEqualTo("embedded");
    }

    @Test
    void wrongExpectedRevisionCarriesStreamExpectedAndActual() {
        stub.append(append("order-2", any(), event("A", "{}"), event("B", "{}")));

        Error wrong = failure(() -> stub.append(append("order-2", exactly(0), event("C", "{}"))),
                Status.Code.FAILED_PRECONDITION, "wrong_expected_revision");
        assertThat(wrong.getWrongExpectedRevision().getStream()).isEqualTo("order-2");
        assertThat(wrong.getWrongExpectedRevision().getExpected()).isEqualTo("0");
        assertThat(wrong.getWrongExpectedRevision().getActual()).isEqualTo(1);

        Error missing = failure(() -> stub.append(append("order-3", kind(ExpectedRevision.Kind.EXISTS), event("C", "{}"))),
                Status.Code.FAILED_PRECONDITION, "wrong_expected_revision");
        assertThat(missing.getWrongExpectedRevision().getExpected()).isEqualTo("exists");
        assertThat(missing.getWrongExpectedRevision().hasActual()).as("no stream: no actual").isFalse();

        assertThat(stub.info(InfoRequest.getDefaultInstance()).getEvents()).as("nothing written").isEqualTo(2);
    }

    @Test
    void readingAStreamWithoutEventsIsStreamNotFound() {
        Error error = failure(() -> stub.readStream(ReadStreamRequest.newBuilder().setStream("nobody-1").build()),
                Status.Code.NOT_FOUND, "stream_not_found");
        assertThat(error.getStreamNotFound().getStream()).isEqualTo("nobody-1");
    }

    @Test
    void anEventOverTheLimitOrTooManyEventsIsTooLarge() {
        Error event = failure(() -> stub.append(append("big-1", any(), sized("Big", MIB, 1))),
                Status.Code.INVALID_ARGUMENT, "too_large");
        assertThat(event.getTooLarge().getLimit()).isEqualTo(MIB);
        assertThat(event.getTooLarge().getActual()).isEqualTo(MIB + 1);

        AppendRequest.Builder many = AppendRequest.newBuilder().setStream("many-1").setExpectedRevision(any());
        for (int i = 0; i < 10_001; i++) {
            many.addEvents(event("E", "1"));
        }
        Error count = failure(() -> stub.append(many.build()), Status.Code.INVALID_ARGUMENT, "too_large");
        assertThat(count.getTooLarge().getLimit()).isEqualTo(10_000);
        assertThat(count.getTooLarge().getActual()).isEqualTo(10_001);
        assertThat(stub.info(InfoRequest.getDefaultInstance()).getEvents()).isZero();
    }

    @Test
    void anEventAtTheLimitRoundTrips() {
        EventData atLimit = sized("Big", MIB - 100, 100);
        stub.append(append("big-2", any(), atLimit));

        RecordedEvent read = stub.readStream(ReadStreamRequest.newBuilder().setStream("big-2").build()).getEvents(0);
        assertThat(read.getData()).isEqualTo(atLimit.getData());
        assertThat(read.getMetadata()).isEqualTo(atLimit.getMetadata());
        assertThat(read.getContentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void aRequestMessageOverTheLimitIsRefusedAndNamesTheLimit() {
        // 17 events of 1 MiB: each legal, together over the 16 MiB message limit.
        AppendRequest.Builder tooBig = AppendRequest.newBuilder().setStream("big-3").setExpectedRevision(any());
        for (int i = 0; i < 17; i++) {
            tooBig.addEvents(sized("Big", MIB - 10, 0));
        }
        assertThatThrownBy(() -> stub.append(tooBig.build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            TooLargeException tooLarge = ProtoErrors.messageTooLarge(e).orElseThrow();
            assertThat(tooLarge.limit()).isEqualTo(16 * MIB);
            assertThat(tooLarge.actual()).isGreaterThan(16 * MIB);
        });
        // The connection goes on, and nothing was written.
        assertThat(stub.info(InfoRequest.getDefaultInstance()).getEvents()).isZero();
    }

    @Test
    void idempotentRetryReturnsTheOriginalAndPartialOverlapIsAConflict() {
        EventData a = event("A", "{}").toBuilder().setId(UUID.randomUUID().toString()).build();
        EventData b = event("B", "{}").toBuilder().setId(UUID.randomUUID().toString()).build();
        AppendResult original = stub.append(append("pay-1", any(), a, b));
        assertThat(stub.append(append("pay-1", any(), a, b))).isEqualTo(original);

        EventData c = event("C", "{}").toBuilder().setId(UUID.randomUUID().toString()).build();
        Error conflict = failure(() -> stub.append(append("pay-1", any(), a, c)), Status.Code.ALREADY_EXISTS, "idempotency_conflict");
        assertThat(conflict.getIdempotencyConflict().getStream()).isEqualTo("pay-1");
        assertThat(stub.info(InfoRequest.getDefaultInstance()).getEvents()).isEqualTo(2);
    }

    @Test
    void invalidInputIsInvalidRequestNeverInternal() {
        List<Runnable> invalid = List.of(
                () -> stub.append(append("", any(), event("A", "{}"))),
                () -> stub.append(append("$system", any(), event("A", "{}"))),
                () -> stub.append(append("ok-1", any())),
                () -> stub.append(append("ok-1", any(), event("", "{}"))),
                () -> stub.append(append("ok-1", any(), event("A", "{}").toBuilder().setId("not-a-uuid").build())),
                () -> stub.append(append("ok-1", exactly(-1), event("A", "{}"))),
                () -> stub.append(append("ok-1", ExpectedRevision.newBuilder().setKindValue(9).build(), event("A", "{}"))),
                () -> stub.readStream(ReadStreamRequest.newBuilder().setStream("ok-1").setFrom(-1).build()),
                () -> stub.readStream(ReadStreamRequest.newBuilder().setStream("ok-1").setDirectionValue(7).build()),
                () -> stub.readStream(ReadStreamRequest.newBuilder().setStream("ok-1").setLimit(-1).build()),
                () -> stub.readAll(ReadAllRequest.newBuilder().setFrom(-5).build()),
                () -> stub.readAll(ReadAllRequest.newBuilder().setAsOf(com.google.protobuf.Timestamp.newBuilder()
                        .setSeconds(Long.MAX_VALUE)).build()));
        for (Runnable call : invalid) {
            failure(call, Status.Code.INVALID_ARGUMENT, "invalid_request");
        }
        assertThat(stub.info(InfoRequest.getDefaultInstance()).getEvents()).isZero();
    }

    @Test
    void bytesThatDoNotParseAreInvalidRequestNotUnknown() {
        MethodDescriptor<byte[], byte[]> rawAppend = EventStoreGrpc.getAppendMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
        byte[] notUtf8Stream = {0x12, 0x02, (byte) 0xC3, 0x28}; // field 2 (stream): an invalid UTF-8 sequence
        byte[] truncated = {0x12, 0x10, 'a'}; // field 2 says 16 bytes, 1 follows
        for (byte[] garbage : List.of(notUtf8Stream, truncated)) {
            failure(() -> ClientCalls.blockingUnaryCall(channel, rawAppend, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), garbage),
                    Status.Code.INVALID_ARGUMENT, "invalid_request");
        }
        assertThat(stub.info(InfoRequest.getDefaultInstance()).getEvents()).isZero();
    }

    @Test
    void aPageHoldsAtMostTheHttpApisLimitOfEvents() {
        AppendRequest.Builder batch = AppendRequest.newBuilder().setStream("many-2").setExpectedRevision(any());
        for (int i = 0; i < 1_500; i++) {
            batch.addEvents(event("E", "{}"));
        }
        stub.append(batch.build());

        ReadStreamResponse page = stub.readStream(ReadStreamRequest.newBuilder().setStream("many-2").setLimit(5_000).build());
        assertThat(page.getEventsCount()).isEqualTo(1_000);
        assertThat(page.getNext()).isEqualTo(1_000);
        ReadAllResponse all = stub.readAll(ReadAllRequest.newBuilder().setLimit(5_000).build());
        assertThat(all.getEventsCount()).isEqualTo(1_000);
        assertThat(all.getNext()).isEqualTo(1_000);
        assertThat(stub.readStream(ReadStreamRequest.newBuilder().setStream("many-2").build()).getEventsCount())
                .as("0 means the default, 100").isEqualTo(100);
    }

    @Test
    void aPageOfLargeEventsIsCappedByBytesAndContinuesFromNext() {
        for (int i = 0; i < 10; i++) {
            stub.append(append(i % 2 == 0 ? "large-1" : "other-1", any(), sized("Big", MIB - 1000, 0)));
        }
        for (int i = 0; i < 10; i++) {
            stub.append(append("large-1", any(), sized("Big", MIB - 1000, 0)));
        }

        List<Long> forwards = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        ReadStreamRequest.Builder request = ReadStreamRequest.newBuilder().setStream("large-1").setLimit(1_000);
        while (true) {
            ReadStreamResponse page = stub.readStream(request.build());
            assertThat(page.getSerializedSize()).isLessThanOrEqualTo(PageReader.CLIENT_MAX_MESSAGE_BYTES);
            assertThat(page.getLastRevision()).isEqualTo(14);
            pageSizes.add(page.getEventsCount());
            page.getEventsList().forEach(event -> forwards.add(event.getRevision()));
            if (!page.hasNext()) {
                break;
            }
            request.setFrom(page.getNext());
        }
        assertThat(forwards).containsExactlyElementsOf(range(0, 15));
        assertThat(pageSizes).as("3 events of 1 MiB fit under 4 MiB").startsWith(3, 3, 3);

        List<Long> backwards = new ArrayList<>();
        request = ReadStreamRequest.newBuilder().setStream("large-1").setFrom(END).setDirection(Direction.BACKWARD).setLimit(1_000);
        while (true) {
            ReadStreamResponse page = stub.readStream(request.build());
            page.getEventsList().forEach(event -> backwards.add(event.getRevision()));
            if (!page.hasNext()) {
                break;
            }
            request.setFrom(page.getNext());
        }
        assertThat(backwards).containsExactlyElementsOf(range(0, 15).reversed());

        List<Long> positions = new ArrayList<>();
        ReadAllRequest.Builder all = ReadAllRequest.newBuilder().setLimit(1_000)
                .setFilter(Filter.newBuilder().setStreamPrefix("large-"));
        while (true) {
            ReadAllResponse page = stub.readAll(all.build());
            assertThat(page.getEventsCount()).isLessThanOrEqualTo(3);
            page.getEventsList().forEach(event -> positions.add(event.getPosition()));
            if (!page.hasNext()) {
                break;
            }
            all.setFrom(page.getNext());
        }
        assertThat(positions).containsExactly(0L, 2L, 4L, 6L, 8L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    }

    private static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long i = from; i < to; i++) {
            values.add(i);
        }
        return values;
    }

    @Test
    void healthIsServingWhileTheServerRuns() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService(EventStoreGrpc.SERVICE_NAME).build()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void reflectionDescribesTheService() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertThat(response.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
                .contains(EventStoreGrpc.SERVICE_NAME, HealthGrpc.SERVICE_NAME);
    }

    /** Sends and receives raw bytes, to put on the wire what no generated stub would. */
    enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
