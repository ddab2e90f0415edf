package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.bench.WorkloadSizes;
import io.strata.core.Durability;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PeersOptionsTest {
    @Test
    void byDefaultEveryPeerAndStrataTargetRunsW1ToW6AtTheDriversQuickSizesInBothDurabilities() {
        PeersOptions options = PeersOptions.parse();

        assertThat(options.quick()).isFalse();
        assertThat(options.peers()).containsExactly("kafka", "nats-jetstream", "postgres");
        assertThat(options.strataTargets()).containsExactly("strata-embedded", "strata-grpc", "strata-http");
        assertThat(options.strataDurabilities()).containsExactly(Durability.FSYNC, Durability.BATCHED);
        assertThat(options.workloads()).containsExactly("W1", "W2", "W3", "W4", "W5", "W6");
        assertThat(options.sizes()).isEqualTo(WorkloadSizes.forQuickRun().waitingForJit());
        assertThat(options.sizes().waitForJit()).isTrue();
        assertThat(options.chart()).isEqualTo(options.out().resolve("peers.png"));
    }

    @Test
    void quickRunsATenthOfThat() {
        PeersOptions options = PeersOptions.parse("--quick");

        assertThat(options.sizes().quick()).isTrue();
        assertThat(options.sizes().waitForJit()).isFalse(); // --quick keeps its fixed warm-ups
        assertThat(options.sizes().w4Events()).isEqualTo(WorkloadSizes.forQuickRun().w4Events() / 10);
        assertThat(options.sizes().w2Clients()).isEqualTo(64); // the shape never changes with the size
        assertThat(options.sizes().w6Subscribers()).isEqualTo(100);
    }

    @Test
    void listsChooseAndOrderWhatRuns() {
        PeersOptions options = PeersOptions.parse("--peers", "postgres,kafka", "--workloads", "w3,W1", "--strata", "",
                "--strata-durability", "batched", "--chart", "docs/peers.png");

        assertThat(options.peers()).containsExactly("postgres", "kafka");
        assertThat(options.workloads()).containsExactly("W3", "W1");
        assertThat(options.strataTargets()).isEmpty();
        assertThat(options.strataDurabilities()).containsExactly(Durability.BATCHED);
        assertThat(options.chart()).isEqualTo(Path.of("docs/peers.png"));
    }

    @Test
    void unknownNamesAreRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> PeersOptions.parse("--peers", "rabbitmq"))
                .hasMessage("unknown peer 'rabbitmq': the peers are kafka, nats-jetstream, postgres");
        assertThatThrownBy(() -> PeersOptions.parse("--workloads", "W8")).hasMessageContaining("unknown workload 'W8'");
        assertThatThrownBy(() -> PeersOptions.parse("--strata-durability", "none")).hasMessageContaining("fsync and/or batched");
        assertThatThrownBy(() -> PeersOptions.parse("--quick", "--out")).hasMessage("--out needs a value");
        assertThatThrownBy(() -> PeersOptions.parse("--fast")).hasMessage("unknown argument '--fast'");
    }
}
