package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
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
    void addAllWritesEachFieldAsItsValuesTypeSaysInTheMapsOrder() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("appendsPerSecond", 12.3456);
        fields.put("ratio", 0.5f);
        fields.put("eventsPerAppend", 100);
        fields.put("appends", 7L);
        fields.put("atomic", false);
        fields.put("batch", "not atomic");

        String line = new JsonLine().add("workload", "W3").addAll(fields).toString();

        assertThat(line).isEqualTo("{\"workload\": \"W3\", \"appendsPerSecond\": 12.346, \"ratio\": 0.5, "
                + "\"eventsPerAppend\": 100, \"appends\": 7, \"atomic\": false, \"batch\": \"not atomic\"}");
    }

    @Test
    void stringsAreEscaped() {
        String line = new JsonLine().add("machine", "a \"quoted\"\\ name\n\u0001").toString();

        assertThat(FlatJson.parse(line)).containsEntry("machine", "a \"quoted\"\\ name\n\u0001");
    }
}
