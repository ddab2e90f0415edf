package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadsTest {
    @Test
    void aPayloadIsA256ByteJsonDocument() {
        byte[] data = Payloads.data(42, 1_234_567_890_123L);

        assertThat(data).hasSize(256);
        assertThat(FlatJson.parse(new String(data, StandardCharsets.UTF_8)))
                .containsEntry("t", "0000001234567890123")
                .containsEntry("n", "000000000042")
                .containsKey("pad");
    }

    @Test
    void theSequenceAndTimestampReadBack() {
        byte[] data = Payloads.data(999_999_999_999L, Long.MAX_VALUE);

        assertThat(Payloads.sequence(data)).isEqualTo(999_999_999_999L);
        assertThat(Payloads.nanos(data)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void foreignDataIsRefused() {
        assertThatThrownBy(() -> Payloads.sequence("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Payloads.data(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
