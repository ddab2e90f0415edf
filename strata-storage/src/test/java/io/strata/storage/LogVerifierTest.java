package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogVerifierTest {
    @TempDir
    Path directory;

    @Test
    void verifyRefusesAStoreThatIsOpenAndPassesOnceItIsClosed() throws Exception {
        EmbeddedEventStore store = EmbeddedEventStore.open(StoreConfig.builder(directory).build());
        store.append("order-1", ExpectedRevision.NO_STREAM,
                List.of(EventData.json("Placed", "{}".getBytes(StandardCharsets.UTF_8))));

        assertThatThrownBy(() -> LogVerifier.verify(directory, n -> { }))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("is open");

        store.close();
        VerifyReport report = LogVerifier.verify(directory, n -> { });
        assertThat(report.intact()).isTrue();
        assertThat(report.records()).isEqualTo(1);
    }
}
