package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.strata.protocol.v1.ConsumeRequest;
import io.strata.protocol.v1.ConsumeResponse;
import io.strata.protocol.v1.ConsumeStart;
import io.strata.protocol.v1.ConsumerGroupsGrpc;
import io.strata.protocol.v1.GroupMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw {@code Consume} call for tests: what the server sends lands in a queue, how the call ended in a
 * future; requests go out as they are given.
 */
final class ConsumeStream implements ClientResponseObserver<ConsumeRequest, ConsumeResponse> {
    final LinkedBlockingQueue<ConsumeResponse> responses = new LinkedBlockingQueue<>();
    /** Completes normally when the server ended the call OK; exceptionally with its status otherwise. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private ClientCallStreamObserver<ConsumeRequest> requests;

    static ConsumeStream open(ManagedChannel channel) {
        ConsumeStream stream = new ConsumeStream();
        ConsumerGroupsGrpc.newStub(channel).consume(stream);
        return stream;
    }

    /** Opens the call with {@code start} and {@code credits}, and waits for the server's {@code started}. */
    static ConsumeStream start(ManagedChannel channel, String group, String consumer, int credits) throws InterruptedException {
        ConsumeStream stream = open(channel);
        stream.send(ConsumeRequest.newBuilder()
                .setStart(ConsumeStart.newBuilder().setGroup(group).setConsumer(consumer))
                .setCredits(credits).build());
        ConsumeResponse first = stream.responses.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("the server's first answer").isNotNull();
        assertThat(first.getStarted()).isTrue();
        assertThat(first.getMessagesList()).isEmpty();
        return stream;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ConsumeRequest> requestStream) {
        this.requests = requestStream;
    }

    synchronized void send(ConsumeRequest request) {
        requests.onNext(request);
    }

    synchronized void halfClose() {
        requests.onCompleted();
    }

    synchronized void cancel() {
        requests.cancel("the test cancels", null);
    }

    /** Waits until {@code count} messages arrived (failing after 10 s), and returns them. */
    List<GroupMessage> take(int count) throws InterruptedException {
        List<GroupMessage> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.size() < count) {
            ConsumeResponse response = responses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(response).as("messages after %s of %s", got.size(), count).isNotNull();
            got.addAll(response.getMessagesList());
        }
        assertThat(got).as("no more than asked for").hasSize(count);
        return got;
    }

    /** How the call ended: null for OK, else the status exception. */
    StatusRuntimeException awaitEnd(Duration timeout) throws Exception {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return (StatusRuntimeException) e.getCause();
        }
    }

    @Override
    public void onNext(ConsumeResponse response) {
        responses.add(response);
    }

    @Override
    public void onError(Throwable t) {
        ended.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        ended.complete(null);
    }
}
