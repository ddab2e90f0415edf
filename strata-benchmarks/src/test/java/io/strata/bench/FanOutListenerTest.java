package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** A W6 subscriber measures exactly the events of its measured window, each once, whatever came before. */
class FanOutListenerTest {
    private static final long ORIGIN = System.nanoTime();

    @Test
    void warmUpDeliveriesAreRecordedAsideAndNeverMeasured() {
        FanOutListener listener = new FanOutListener(ORIGIN, 3);
        deliver(listener, 0, 1, 2, 5);

        assertThat(listener.measured()).isZero();
        assertThat(listener.hasAll()).isFalse();
        assertThat(latencies(listener).getTotalCount()).isZero();
    }

    @Test
    void theMeasuredWindowCountsItsEventsOnceAndIgnoresOthers() {
        FanOutListener listener = new FanOutListener(ORIGIN, 3);
        deliver(listener, 0, 1);
        listener.measureFrom(10);

        deliver(listener, 9, 10, 11, 13, 12); // 9: a late warm-up event; 13: past the window

        assertThat(listener.measured()).isEqualTo(3);
        assertThat(listener.hasAll()).isTrue();
        assertThat(latencies(listener).getTotalCount()).isEqualTo(3);
        listener.check(0, Duration.ofSeconds(1));
    }

    @Test
    void aDuplicateOrAMissingEventFailsTheCheck() {
        FanOutListener duplicated = new FanOutListener(ORIGIN, 2);
        duplicated.measureFrom(0);
        deliver(duplicated, 0, 0, 1);
        FanOutListener missing = new FanOutListener(ORIGIN, 2);
        missing.measureFrom(0);
        deliver(missing, 1);

        assertThatThrownBy(() -> duplicated.check(1, Duration.ofSeconds(1))).hasMessageContaining("1 duplicates");
        assertThatThrownBy(() -> missing.check(2, Duration.ofSeconds(1))).hasMessageContaining("received 1 of 2");
    }

    @Test
    void aDeliveryRecordsTheTimeSinceItsEventWasSent() {
        FanOutListener listener = new FanOutListener(ORIGIN, 2);
        listener.measureFrom(0);
        long sentNanos = System.nanoTime() - ORIGIN;
        listener.accept(Payloads.data(0, sentNanos - 7_000_000)); // sent 7 ms ago
        listener.accept(Payloads.data(1, sentNanos - 250_000)); // 0.25 ms ago

        Histogram latencies = latencies(listener);

        assertThat(latencies.getTotalCount()).isEqualTo(2);
        assertThat(latencies.getMinValue()).isBetween(249_000L, 1_000_000_000L);
        assertThat(latencies.getMaxValue()).isBetween(6_990_000L, 1_007_000_000L);
    }

    private static void deliver(FanOutListener listener, long... sequences) {
        for (long sequence : sequences) {
            listener.accept(Payloads.data(sequence, System.nanoTime() - ORIGIN));
        }
    }

    private static Histogram latencies(FanOutListener listener) {
        Histogram all = Measurement.newHistogram();
        listener.addLatenciesTo(all);
        return all;
    }
}
