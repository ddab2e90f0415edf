package io.strata.eventsourcing.serialization;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTypeRegistryTest {
    sealed interface ShopEvent {
    }

    sealed interface CartEvent extends ShopEvent {
    }

    record ItemAdded(String sku) implements CartEvent {
    }

    record OrderPlaced(String id) implements ShopEvent {
    }

    @Test
    void mapsNamesToClassesAndBack() {
        EventTypeRegistry registry = EventTypeRegistry.builder()
                .register("ItemAdded", ItemAdded.class, 3)
                .register("OrderPlaced", OrderPlaced.class)
                .build();

        assertThat(registry.byName("ItemAdded")).hasValue(new EventType<>("ItemAdded", ItemAdded.class, 3));
        assertThat(registry.typeOf(new OrderPlaced("o1")).name()).isEqualTo("OrderPlaced");
        assertThat(registry.typeOf(new OrderPlaced("o1")).schemaVersion()).isEqualTo(1);
        assertThat(registry.byName("Nope")).isEmpty();
    }

    @Test
    void registerSealedTakesEveryPermittedRecordBySimpleName() {
        EventTypeRegistry registry = EventTypeRegistry.builder().registerSealed(ShopEvent.class).build();

        assertThat(registry.types()).extracting(EventType::name).containsExactlyInAnyOrder("ItemAdded", "OrderPlaced");
    }

    @Test
    void aNameOrAClassMayBeRegisteredOnce() {
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("A", ItemAdded.class).register("A", OrderPlaced.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'A' is already registered");
        assertThatThrownBy(() -> EventTypeRegistry.builder().register("A", ItemAdded.class).register("B", ItemAdded.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered as 'A'");
    }

    @Test
    void anUnregisteredClassIsReportedByName() {
        EventTypeRegistry registry = EventTypeRegistry.builder().build();

        assertThatThrownBy(() -> registry.typeOf(new ItemAdded("x")))
                .isInstanceOfSatisfying(UnknownEventTypeException.class, e -> assertThat(e.javaClass()).hasValue(ItemAdded.class))
                .hasMessageContaining(ItemAdded.class.getName());
    }

    @Test
    void schemaVersionsStartAtOne() {
        assertThatThrownBy(() -> new EventType<>("A", ItemAdded.class, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
