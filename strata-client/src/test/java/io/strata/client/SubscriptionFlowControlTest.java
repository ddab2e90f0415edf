package io.strata.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.core.CollectingListener;
import io.strata.core.ErrorCode;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadAllOptions;
import io.strata.core.StrataException;
import io.strata.core.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow listener holds the server back rather than filling the client's memory: the client asks for
 * the next message only when the listener has taken the last one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubscriptionFlowControlTest {
    private static final int EVENTS = 3_000;
    private static final int EVENT_BYTES = 4 << 10;

    @TempDir
    Path tempDir;
    private ServedClient served;

    @AfterEach
    void closeServer() {
        if (served != null) {
            served.close();
        }
    }

    @Test
    void aStuckListenerStallsTheServerInsteadOfBufferingTheHistoryInTheClient() throws Exception {
        // The server ends a subscription whose client has taken nothing for 500 ms while its 16-event
        // buffer is full. 12 MB of history is more than the HTTP/2 windows can hold (1 MiB per call,
        // up to 8 MiB when grpc-java tunes it): only a client that stops asking makes the server stall.
        served = ServedClient.start(tempDir, config -> config.grpcSubscriberBufferEvents(16)
                .grpcSubscriberStallTimeout(Duration.ofMillis(500)));
        byte[] data = new byte[EVENT_BYTES];
        Arrays.fill(data, (byte) '1');
        for (int i = 0; i < EVENTS / 100; i++) {
            List<EventData> batch = new ArrayList<>();
            for (int j = 0; j < 100; j++) {
                batch.add(EventData.builder("Big").id(UUID.randomUUID()).data(data).build());
            }
            served.append("big-" + i, ExpectedRevision.ANY, batch);
        }
        CountDownLatch release = new CountDownLatch(1);
        CollectingListener listener = new CollectingListener(e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        Subscription subscription = served.subscribeToAll(ReadAllOptions.START, EventFilter.ALL, listener);
        await().atMost(Duration.ofSeconds(20)).until(() -> listener.size() == 1);

        // The listener is stuck on its first event for three stall timeouts.
        await().pollDelay(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        release.countDown();

        Throwable error = listener.awaitError().error();
        assertThat(error).isInstanceOf(StrataException.class);
        assertThat(((StrataException) error).code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(listener.size()).as("events delivered before the server gave up").isLessThan(EVENTS);
        assertThat(subscription.isActive()).isFalse();
        assertThat(listener.violations()).isEmpty();
    }
}
