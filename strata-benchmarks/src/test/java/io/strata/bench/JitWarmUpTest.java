package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link JitWarmUp} on a clock and a compiler of the test's own. */
class JitWarmUpTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Duration MINIMUM = Duration.ofSeconds(3);

    private final AtomicLong compiledMillis = new AtomicLong();

    @Test
    void withoutWaitingForTheJitItEndsAtItsMinimumHoweverBusyTheJitIs() {
        JitWarmUp warmUp = new JitWarmUp(MINIMUM, false, 0, compiledMillis::get);
        compiledMillis.set(1_000_000);

        assertThat(warmUp.isOver(3 * SECOND - 1)).isFalse();
        assertThat(warmUp.isOver(3 * SECOND)).isTrue();
        assertThat(warmUp.seconds()).isEqualTo(3.0);
    }

    @Test
    void itEndsAfterThreeQuietSecondsInARowPastTheMinimum() {
        JitWarmUp warmUp = new JitWarmUp(MINIMUM, true, 0, compiledMillis::get);
        long now = 3 * SECOND;
        assertThat(warmUp.isOver(now)).isFalse(); // the first window opens
        for (int quiet = 1; quiet < JitWarmUp.QUIET_SECONDS; quiet++) {
            compiledMillis.addAndGet(JitWarmUp.QUIET_MILLIS_PER_SECOND - 1);
            now += SECOND;
            assertThat(warmUp.isOver(now)).as("after %d quiet seconds", quiet).isFalse();
        }
        compiledMillis.addAndGet(JitWarmUp.QUIET_MILLIS_PER_SECOND - 1);
        now += SECOND;

        assertThat(warmUp.isOver(now)).isTrue();
        assertThat(warmUp.isOver(now + SECOND)).isTrue(); // and stays over
        assertThat(warmUp.seconds()).isEqualTo(6.0);
    }

    @Test
    void aBusySecondStartsTheCountAgain() {
        JitWarmUp warmUp = new JitWarmUp(MINIMUM, true, 0, compiledMillis::get);
        long now = 3 * SECOND;
        warmUp.isOver(now);
        now += SECOND;
        warmUp.isOver(now); // quiet
        now += SECOND;
        warmUp.isOver(now); // quiet
        compiledMillis.addAndGet(500);
        now += SECOND;
        assertThat(warmUp.isOver(now)).isFalse(); // busy: back to none

        for (int quiet = 1; quiet < JitWarmUp.QUIET_SECONDS; quiet++) {
            now += SECOND;
            assertThat(warmUp.isOver(now)).isFalse();
        }
        now += SECOND;
        assertThat(warmUp.isOver(now)).isTrue();
    }

    @Test
    void aJitThatNeverQuietsDownEndsItAtTheMaximumExtension() {
        JitWarmUp warmUp = new JitWarmUp(MINIMUM, true, 0, compiledMillis::get);
        long end = 3 * SECOND + JitWarmUp.MAX_EXTENSION.toNanos();
        for (long now = 3 * SECOND; now < end; now += SECOND / 10) {
            compiledMillis.addAndGet(100); // a core's tenth, all along
            assertThat(warmUp.isOver(now)).isFalse();
        }

        assertThat(warmUp.isOver(end)).isTrue();
        assertThat(warmUp.seconds()).isEqualTo(3.0 + JitWarmUp.MAX_EXTENSION.toSeconds());
    }
}
