package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonLineTest {
    @Test
    void fieldsKeepTheirOrderAndDecimalsLoseTrailingZeros() {
        String line = new JsonLine().add("workload", "W2").add("clients", 64).add("seconds", 12.3, 3)
                .add("p50Ms", 4.0, 3).add("ratio", 0.00049, 3).add("quick", true).add("nan", Double.NaN, 3).toString();

        assertThat(line).isEqualTo("{\"workload\": \"W2\", \"clients\": 64, \"seconds\": 12.3, \"p50Ms\": 4, "
                + "\"ratio\": 0, \"quick\": true, \"nan\": null}");
    }

    @Test
    void stringsAreEscaped() {
        String line = new JsonLine().add("machine", "a \"quoted\"\\ name\n\u0001").toString();

        assertThat(FlatJson.parse(line)).containsEntry("machine", "a \"quoted\"\\ name\n\u0001");
    }
}
