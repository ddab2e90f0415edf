package io.strata.eventsourcing.serialization;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.eventsourcing.TestStores;
import io.strata.storage.EmbeddedEventStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonEventSerializerTest {
    record OrderPlaced(String orderId, List<String> items, Instant at, Optional<String> coupon) {
    }

    record Paid(long amountCents) {
    }

    @TempDir
    Path directory;
    EmbeddedEventStore store;
    final JsonEventSerializer serializer = JsonEventSerializer.of(EventTypeRegistry.builder()
            .register("OrderPlaced", OrderPlaced.class)
            .register("Paid", Paid.class, 2)
            .build());

    @BeforeEach
    void open() {
        store = TestStores.open(directory);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aRecordRoundTripsThroughTheStore() {
        OrderPlaced placed = new OrderPlaced("o-1", List.of("book", "pen"), Instant.parse("2026-11-27T10:15:30.123456Z"), Optional.of("XMAS"));
        EventMetadata metadata = EventMetadata.of("corr-1", "cmd-1").with("tenant", "acme");

        DecodedEvent decoded = serializer.deserialize(appendAndRead(serializer.serialize(placed, metadata)));

        assertThat(decoded.payload()).isEqualTo(placed);
        assertThat(decoded.payloadAs(OrderPlaced.class)).isEqualTo(placed);
        assertThat(decoded.type()).isEqualTo("OrderPlaced");
        assertThat(decoded.metadata()).isEqualTo(metadata);
        assertThat(decoded.storedSchemaVersion()).isEqualTo(1);
    }

    @Test
    void theMetadataIsOneFlatJsonObjectWithTheSchemaVersion() {
        EventData data = serializer.serialize(new Paid(500), EventMetadata.of("corr-1", "cmd-1").with("tenant", "acme"));

        assertThat(data.type()).isEqualTo("Paid");
        assertThat(new String(data.data(), StandardCharsets.UTF_8)).isEqualTo("{\"amountCents\":500}");
        assertThat(new String(data.metadata(), StandardCharsets.UTF_8))
                .isEqualTo("{\"correlationId\":\"corr-1\",\"causationId\":\"cmd-1\",\"schemaVersion\":2,\"tenant\":\"acme\"}");
    }

    @Test
    void aGivenEventIdIsKept() {
        UUID id = UUID.randomUUID();

        assertThat(serializer.serialize(id, new Paid(1), EventMetadata.empty()).id()).hasValue(id);
        assertThat(serializer.serialize(new Paid(1), EventMetadata.empty()).id()).isEmpty();
    }

    @Test
    void aStoredTypeThatIsNotRegisteredIsReportedWithWhereItIs() {
        RecordedEvent stored = appendAndRead(EventData.json("Refunded", "{}".getBytes(StandardCharsets.UTF_8)));

        assertThat(serializer.canDeserialize("Refunded")).isFalse();
        assertThatThrownBy(() -> serializer.deserialize(stored))
                .isInstanceOfSatisfying(UnknownEventTypeException.class, e -> assertThat(e.typeName()).hasValue("Refunded"))
                .hasMessageContaining("'Refunded'").hasMessageContaining("order-1@0");
    }

    @Test
    void anEventWithoutMetadataIsSchemaVersionOne() {
        RecordedEvent stored = appendAndRead(EventData.json("OrderPlaced",
                "{\"orderId\":\"o-9\",\"items\":[],\"at\":\"2026-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8)));

        DecodedEvent decoded = serializer.deserialize(stored);

        assertThat(decoded.payloadAs(OrderPlaced.class).orderId()).isEqualTo("o-9");
        assertThat(decoded.metadata()).isEqualTo(EventMetadata.empty());
    }

    @Test
    void anOlderVersionWithoutAnUpcasterIsAnErrorNotAHalfFilledObject() {
        RecordedEvent stored = appendAndRead(EventData.builder("Paid").data("{\"amount\":5}".getBytes(StandardCharsets.UTF_8))
                .metadata("{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8)).build());

        assertThatThrownBy(() -> serializer.deserialize(stored)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("Paid v1").hasMessageContaining("registered at v2").hasMessageContaining("upcaster");
    }

    @Test
    void aNewerVersionThanTheCodeIsAnError() {
        RecordedEvent stored = appendAndRead(EventData.builder("Paid").data("{\"amountCents\":5}".getBytes(StandardCharsets.UTF_8))
                .metadata("{\"schemaVersion\":3}".getBytes(StandardCharsets.UTF_8)).build());

        assertThatThrownBy(() -> serializer.deserialize(stored)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("newer than the registered v2");
    }

    @Test
    void jsonThatDoesNotBindIsAnErrorNamingTheClass() {
        RecordedEvent stored = appendAndRead(EventData.builder("Paid").data("{\"amountCents\":\"lots\"}".getBytes(StandardCharsets.UTF_8))
                .metadata("{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8)).build());

        assertThatThrownBy(() -> serializer.deserialize(stored)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining(Paid.class.getName());
    }

    @Test
    void foreignMetadataEntriesAreKeptAsTextAndNullsAsAbsent() {
        RecordedEvent flat = appendAndRead(withMetadata("{\"schemaVersion\":2,\"retries\":3,\"ok\":true,\"correlationId\":null}"));
        RecordedEvent nested = appendAndRead(withMetadata("{\"schemaVersion\":2,\"trace\":{\"id\":\"t1\"},\"causationId\":\"c\"}"));

        assertThat(serializer.metadataOf(flat)).isEqualTo(
                new EventMetadata(Optional.empty(), Optional.empty(), Map.of("retries", "3", "ok", "true")));
        assertThat(serializer.metadataOf(nested)).isEqualTo(
                new EventMetadata(Optional.empty(), Optional.of("c"), Map.of("trace", "{\"id\":\"t1\"}")));
    }

    @Test
    void metadataThatIsNotAJsonObjectIsAnError() {
        assertThatThrownBy(() -> serializer.deserialize(appendAndRead(withMetadata("[1]"))))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> serializer.deserialize(appendAndRead(withMetadata("{\"schemaVersion\":\"two\"}"))))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("schemaVersion two");
        assertThatThrownBy(() -> serializer.deserialize(appendAndRead(withMetadata("{oops"))))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("not valid JSON");
    }

    private static EventData withMetadata(String json) {
        return EventData.builder("Paid").data("{\"amountCents\":5}".getBytes(StandardCharsets.UTF_8))
                .metadata(json.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void reservedKeysCannotBeEntries() {
        assertThatThrownBy(() -> EventMetadata.empty().with("causationId", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    private RecordedEvent appendAndRead(EventData event) {
        store.append("order-1", ExpectedRevision.ANY, List.of(event));
        List<RecordedEvent> events = store.readStream("order-1", ReadStreamOptions.backwards().limit(1)).events();
        return events.getFirst();
    }
}
