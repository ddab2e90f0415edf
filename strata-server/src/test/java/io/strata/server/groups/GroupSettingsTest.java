package io.strata.server.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.EventFilter;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class GroupSettingsTest {

    private static JsonNode json(String text) {
        return GroupSettingsJson.MAPPER.readTree(text);
    }

    @Test
    void defaultsAreTheSpecsExample() {
        GroupSettings settings = GroupSettings.of(GroupSource.stream("order-42"));

        assertThat(settings.ordering()).isEqualTo(Ordering.PER_STREAM);
        assertThat(settings.maxDeliveries()).isEqualTo(5);
        assertThat(settings.ackTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.start()).isEqualTo(StartFrom.END);
    }

    @Test
    void invalidSettingsSayWhatIsWrong() {
        GroupSettings ok = GroupSettings.of(GroupSource.all());
        assertThatThrownBy(() -> ok.withMaxDeliveries(0)).isInstanceOf(InvalidRequestException.class)
                .hasMessage("maxDeliveries must be between 1 and 1000, got 0");
        assertThatThrownBy(() -> ok.withAckTimeout(Duration.ofMillis(1))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("ackTimeout must be between PT0.01S and PT24H, got PT0.001S");
        assertThatThrownBy(() -> GroupSource.stream("")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("stream name must not be empty");
        assertThatThrownBy(() -> GroupSource.stream("$all")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("{\"all\"");
        assertThatThrownBy(() -> GroupSource.all(EventFilter.category(""))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("a category filter must not be empty");
        assertThatThrownBy(() -> GroupSource.all(EventFilter.types("bad\ntype"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("control characters");
        assertThatThrownBy(() -> StartFrom.parse("yesterday")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("not a position token: 'yesterday'");
        assertThatThrownBy(() -> Ordering.parse("random")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("\"per-stream\" or \"none\"");
    }

    @Test
    void jsonRoundTripsEverySetting() {
        GroupSettings settings = new GroupSettings(
                GroupSource.all(new EventFilter(Set.of("OrderPlaced", "OrderShipped"), Optional.of("order"), Optional.of("order-"))),
                StartFrom.at(Position.of(1337)), Ordering.NONE, 9, Duration.ofMillis(1500));

        JsonNode json = GroupSettingsJson.toJson(settings);

        assertThat(json.toString()).isEqualTo("{\"source\":{\"all\":{\"type\":[\"OrderPlaced\",\"OrderShipped\"],\"category\":\"order\","
                + "\"streamPrefix\":\"order-\"}},\"from\":\"1337\",\"ordering\":\"none\",\"maxDeliveries\":9,\"ackTimeout\":\"PT1.5S\"}");
        assertThat(GroupSettingsJson.fromJson(json)).isEqualTo(settings);
    }

    @Test
    void jsonOfTheSpecsBodyParses() {
        GroupSettings settings = GroupSettingsJson.fromJson(json(
                "{\"source\":{\"stream\":\"order-42\"},\"from\":\"start\",\"ordering\":\"per-stream\",\"maxDeliveries\":5,\"ackTimeout\":\"PT30S\"}"));

        assertThat(settings).isEqualTo(GroupSettings.of(GroupSource.stream("order-42")).withStart(StartFrom.START));
        assertThat(GroupSettingsJson.fromJson(json("{\"source\":{\"all\":{}}}"))).isEqualTo(GroupSettings.of(GroupSource.all()));
    }

    @Test
    void jsonParsingIsStrict() {
        assertInvalid("[]", "group settings must be a JSON object");
        assertInvalid("{}", "group settings need a source");
        assertInvalid("{\"source\":{\"all\":{}},\"colour\":1}", "unknown field 'colour' in group settings");
        assertInvalid("{\"source\":{\"stream\":\"a\",\"all\":{}}}", "source must be {\"stream\"");
        assertInvalid("{\"source\":{\"stream\":7}}", "source.stream must be a string");
        assertInvalid("{\"source\":{\"all\":{\"type\":\"OrderPlaced\"}}}", "source.all.type must be an array");
        assertInvalid("{\"source\":{\"all\":{\"kind\":\"x\"}}}", "unknown field 'kind' in source.all");
        assertInvalid("{\"source\":{\"all\":{}},\"maxDeliveries\":\"5\"}", "maxDeliveries must be an integer");
        assertInvalid("{\"source\":{\"all\":{}},\"maxDeliveries\":2.5}", "maxDeliveries must be an integer");
        assertInvalid("{\"source\":{\"all\":{}},\"ackTimeout\":\"30s\"}", "ackTimeout must be an ISO-8601 duration");
        assertInvalid("{\"source\":{\"all\":{}},\"from\":\"-3\"}", "a position is not negative");
    }

    private static void assertInvalid(String body, String message) {
        assertThatThrownBy(() -> GroupSettingsJson.fromJson(json(body))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(message);
    }
}
