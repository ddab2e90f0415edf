package io.strata.bench.peers;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;

/**
 * One JetStream stream for one run, every subject {@code <name>.<event stream>}; all appenders, readers
 * and subscribers share the server's one connection, as a service would.
 */
final class NatsLog implements PeerLog {
    private static final Duration READ_WAIT = Duration.ofSeconds(5);

    private final Connection connection;
    private final JetStream jetStream;
    private final String name;

    NatsLog(Connection connection, String name) throws IOException {
        this.connection = connection;
        this.jetStream = connection.jetStream();
        this.name = name;
    }

    private String subject(String stream) {
        return name + "." + stream;
    }

    @Override
    public Appender appender() {
        return (stream, expected, events) -> {
            String subject = subject(stream);
            PublishOptions condition = expected == Appender.ANY ? null : PublishOptions.builder()
                    .expectedLastSubjectSequence(expected == Appender.NO_STREAM ? 0 : expected).build();
            if (events.size() == 1) {
                return jetStream.publish(subject, events.get(0), condition).getSeqno();
            }
            // JetStream 2.9 has no batch publish: the events go out together, the first one conditional
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                acks.add(jetStream.publishAsync(subject, events.get(i), i == 0 ? condition : null));
            }
            long last = -1;
            for (CompletableFuture<PublishAck> ack : acks) {
                last = ack.get().getSeqno();
            }
            return last;
        };
    }

    @Override
    public AsyncWriter asyncWriter(int maxInFlight) {
        return new CallbackAsyncWriter(maxInFlight) {
            @Override
            void start(String stream, List<byte[]> events) {
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>(events.size());
                for (byte[] event : events) {
                    acks.add(jetStream.publishAsync(subject(stream), event));
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
                    failIf(error);
                    settled();
                });
            }
        };
    }

    @Override
    public PageReader pageReader(int pageSize) throws Exception {
        long total = connection.jetStreamManagement().getStreamInfo(name).getStreamState().getMsgCount();
        JetStreamSubscription subscription = jetStream.subscribe(name + ".>", PullSubscribeOptions.builder()
                .configuration(ConsumerConfiguration.builder().ackPolicy(AckPolicy.None).deliverPolicy(DeliverPolicy.All).build())
                .build());
        return new PageReader() {
            private long read;

            @Override
            public int nextPage(ObjLongConsumer<byte[]> events) {
                // ask for what is left at most: a fetch waits for the whole batch it asked for
                int want = (int) Math.min(pageSize, total - read);
                if (want == 0) {
                    return 0;
                }
                List<Message> messages = subscription.fetch(want, READ_WAIT);
                for (Message message : messages) {
                    events.accept(message.getData(), message.metaData().streamSequence() - 1);
                }
                read += messages.size();
                return messages.size();
            }

            @Override
            public void close() {
                subscription.unsubscribe();
            }
        };
    }

    @Override
    public StreamReader streamReader() {
        return new StreamReader() {
            @Override
            public int readWhole(String stream, Consumer<byte[]> events) throws Exception {
                JetStreamSubscription subscription = jetStream.subscribe(subject(stream),
                        PushSubscribeOptions.builder().ordered(true).build());
                try {
                    int count = 0;
                    while (true) {
                        Message message = subscription.nextMessage(READ_WAIT);
                        if (message == null) {
                            throw new IllegalStateException("no message of " + stream + " within " + READ_WAIT.toSeconds()
                                    + " s after " + count);
                        }
                        events.accept(message.getData());
                        count++;
                        if (message.metaData().pendingCount() == 0) { // the stream's last message
                            return count;
                        }
                    }
                } finally {
                    // deleted now rather than left to expire: 1,000 reads would otherwise leave ~1,000 idle consumers
                    String consumer = subscription.getConsumerName();
                    subscription.unsubscribe();
                    connection.jetStreamManagement().deleteConsumer(name, consumer);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public LiveSubscription subscribeFromEnd(Consumer<byte[]> onEvent) throws Exception {
        Dispatcher dispatcher = connection.createDispatcher(); // a thread per subscriber, as Kafka's consumers
        jetStream.subscribe(name + ".>", dispatcher, message -> onEvent.accept(message.getData()), false,
                PushSubscribeOptions.builder().ordered(true)
                        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build())
                        .build());
        return () -> connection.closeDispatcher(dispatcher);
    }

    @Override
    public void close() {
        Unchecked.run("deleting stream " + name, () -> connection.jetStreamManagement().deleteStream(name));
    }
}
