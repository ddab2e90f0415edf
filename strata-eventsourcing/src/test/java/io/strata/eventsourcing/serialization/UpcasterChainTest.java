package io.strata.eventsourcing.serialization;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.eventsourcing.TestStores;
import io.strata.storage.EmbeddedEventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three shapes of one fact:
 * v1 {@code UserRegistered {"name"}}, v2 {@code UserRegistered {"fullName"}},
 * v3 {@code CustomerRegistered {"fullName","tier"}} (the current class).
 */
class UpcasterChainTest {
    record CustomerRegistered(String fullName, String tier) {
    }

    static final Upcaster NAME_TO_FULL_NAME = Upcaster.of("UserRegistered", 1, json -> {
        json.set("fullName", json.remove("name"));
        return json;
    });
    static final Upcaster RENAME_TO_CUSTOMER = Upcaster.renaming("UserRegistered", 2, "CustomerRegistered",
            json -> json.put("tier", "standard"));

    static final EventTypeRegistry REGISTRY = EventTypeRegistry.builder()
            .register("CustomerRegistered", CustomerRegistered.class, 3).build();
    static final JsonEventSerializer SERIALIZER = JsonEventSerializer.builder(REGISTRY)
            .upcasters(NAME_TO_FULL_NAME, RENAME_TO_CUSTOMER).build();

    @TempDir
    Path directory;

    @Test
    void everyOldShapeIsReadAsTheCurrentClassAndTheStoredBytesStayAsTheyWere() {
        byte[] v1 = bytes("{\"name\":\"Ada Lovelace\"}");
        byte[] v2 = bytes("{\"fullName\":\"Grace Hopper\"}");
        byte[] v3 = bytes("{\"fullName\":\"Barbara Liskov\",\"tier\":\"gold\"}");
        try (EmbeddedEventStore store = TestStores.open(directory)) {
            store.append("customer-1", ExpectedRevision.ANY, List.of(
                    EventData.json("UserRegistered", v1), // written before metadata existed: v1
                    versioned("UserRegistered", v2, 2),
                    versioned("CustomerRegistered", v3, 3)));

            List<RecordedEvent> stored = store.readStream("customer-1", ReadStreamOptions.forwards()).events();
            List<DecodedEvent> decoded = stored.stream().map(SERIALIZER::deserialize).toList();

            assertThat(decoded).extracting(DecodedEvent::payload).containsExactly(
                    new CustomerRegistered("Ada Lovelace", "standard"),
                    new CustomerRegistered("Grace Hopper", "standard"),
                    new CustomerRegistered("Barbara Liskov", "gold"));
            assertThat(decoded).extracting(DecodedEvent::type).containsOnly("CustomerRegistered");
            assertThat(decoded).extracting(DecodedEvent::storedSchemaVersion).containsExactly(1, 2, 3);

            List<RecordedEvent> again = store.readStream("customer-1", ReadStreamOptions.forwards()).events();
            assertThat(again).extracting(RecordedEvent::type).containsExactly("UserRegistered", "UserRegistered", "CustomerRegistered");
            assertThat(again.get(0).data()).isEqualTo(v1);
            assertThat(again.get(1).data()).isEqualTo(v2);
            assertThat(again.get(2).data()).isEqualTo(v3);
        }
    }

    @Test
    void theChainRunsStepByStepAndStopsWhereNoUpcasterReads() {
        UpcasterChain chain = UpcasterChain.of(NAME_TO_FULL_NAME, RENAME_TO_CUSTOMER);
        ObjectNode json = JsonMapper.builder().build().createObjectNode().put("name", "Ada");

        UpcasterChain.VersionedJson result = chain.upcast("UserRegistered", 1, json);

        assertThat(result.type()).isEqualTo("CustomerRegistered");
        assertThat(result.schemaVersion()).isEqualTo(3);
        assertThat(result.json().toString()).isEqualTo("{\"fullName\":\"Ada\",\"tier\":\"standard\"}");
        assertThat(chain.upcast("Other", 1, json).schemaVersion()).isEqualTo(1);
        assertThat(chain.readsType("UserRegistered")).isTrue();
        assertThat(SERIALIZER.canDeserialize("UserRegistered")).isTrue();
    }

    @Test
    void twoUpcastersForTheSameTypeAndVersionAreRefused() {
        assertThatThrownBy(() -> UpcasterChain.of(NAME_TO_FULL_NAME, Upcaster.of("UserRegistered", 1, json -> json)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UserRegistered v1");
    }

    @Test
    void aFailingUpcasterIsReportedWithTheEvent() {
        JsonEventSerializer failing = JsonEventSerializer.builder(REGISTRY).upcasters(
                Upcaster.of("UserRegistered", 1, json -> {
                    throw new IllegalStateException("boom");
                }), RENAME_TO_CUSTOMER).build();
        try (EmbeddedEventStore store = TestStores.open(directory)) {
            store.append("customer-1", ExpectedRevision.ANY, List.of(EventData.json("UserRegistered", bytes("{\"name\":\"A\"}"))));
            RecordedEvent stored = store.readStream("customer-1", ReadStreamOptions.forwards()).events().getFirst();

            assertThatThrownBy(() -> failing.deserialize(stored)).isInstanceOf(EventDecodingException.class)
                    .hasMessageContaining("customer-1@0").hasMessageContaining("boom");
        }
    }

    private static EventData versioned(String type, byte[] data, int version) {
        return EventData.builder(type).data(data).metadata(bytes("{\"schemaVersion\":" + version + "}")).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
