package io.strata.eventsourcing.test;

import io.strata.eventsourcing.Decider;
import io.strata.eventsourcing.serialization.EventTypeRegistry;
import io.strata.eventsourcing.serialization.JsonEventSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeciderFixtureTest {
    sealed interface CartCommand {
    }

    record AddItem(String sku, int quantity) implements CartCommand {
    }

    record Checkout() implements CartCommand {
    }

    record Clear() implements CartCommand {
    }

    sealed interface CartEvent {
    }

    record ItemAdded(String sku, int quantity) implements CartEvent {
    }

    record CheckedOut(int items) implements CartEvent {
    }

    record Cleared() implements CartEvent {
    }

    record Cart(List<String> skus, boolean checkedOut) {
    }

    static final class EmptyCartException extends RuntimeException {
        EmptyCartException() {
            super("an empty cart cannot be checked out");
        }
    }

    static final Decider<CartCommand, Cart, CartEvent> CART = Decider.of(
            new Cart(List.of(), false),
            (CartCommand command, Cart cart) -> switch (command) {
                case AddItem add when add.quantity() < 1 -> throw new IllegalArgumentException("quantity must be 1 or more");
                case AddItem add -> List.of(new ItemAdded(add.sku(), add.quantity()));
                case Checkout checkout when cart.skus().isEmpty() -> throw new EmptyCartException();
                case Checkout checkout -> List.of(new CheckedOut(cart.skus().size()));
                case Clear clear -> cart.skus().isEmpty() ? List.of() : List.of(new Cleared());
            },
            (Cart cart, CartEvent event) -> switch (event) {
                case ItemAdded added -> {
                    List<String> skus = new ArrayList<>(cart.skus());
                    skus.add(added.sku());
                    yield new Cart(List.copyOf(skus), false);
                }
                case CheckedOut checkedOut -> new Cart(cart.skus(), true);
                case Cleared cleared -> new Cart(List.of(), false);
            });

    final DeciderFixture<CartCommand, Cart, CartEvent> fixture = DeciderFixture.forDecider(CART);

    @Test
    void thenPassesWhenTheCommandProducesExactlyTheEvents() {
        ThenEvents<Cart, CartEvent> then = fixture.given(new ItemAdded("book", 1), new ItemAdded("pen", 2))
                .when(new Checkout())
                .then(new CheckedOut(2))
                .andState(new Cart(List.of("book", "pen"), true));

        assertThat(then.events()).containsExactly(new CheckedOut(2));
    }

    @Test
    void thenFailsWithALineByLineDiffOfExpectedAndActualEvents() {
        assertThatThrownBy(() -> fixture.given(new ItemAdded("book", 1))
                .when(new AddItem("pen", 2))
                .then(new ItemAdded("pen", 3)))
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessage("""
                        The command produced other events than expected.
                        Given:
                              ItemAdded[sku=book, quantity=1]
                        When:
                            AddItem[sku=pen, quantity=2]
                        Diff (- expected, + actual):
                            - ItemAdded[sku=pen, quantity=3]
                            + ItemAdded[sku=pen, quantity=2]
                        """);
    }

    @Test
    void theDiffAlignsOnTheEventsThatMatch() {
        List<Object> expected = List.of(new ItemAdded("a", 1), new ItemAdded("b", 1), new Cleared(), new CheckedOut(0));
        List<Object> actual = List.of(new ItemAdded("a", 1), new ItemAdded("c", 1), new Cleared(), new CheckedOut(0), new Cleared());

        assertThat(EventDiff.diff(expected, actual)).isEqualTo("""
                      ItemAdded[sku=a, quantity=1]
                    - ItemAdded[sku=b, quantity=1]
                    + ItemAdded[sku=c, quantity=1]
                      Cleared[]
                      CheckedOut[items=0]
                    + Cleared[]
                """);
    }

    @Test
    void thenNothingPassesWhenTheCommandChangesNothingAndFailsOtherwise() {
        fixture.given().when(new Clear()).thenNothing().andState(new Cart(List.of(), false));

        assertThatThrownBy(() -> fixture.given(new ItemAdded("book", 1)).when(new Clear()).thenNothing())
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected the command to produce no events, but it produced 1 event.")
                .hasMessageEndingWith("Diff (- expected, + actual):\n    + Cleared[]\n");
    }

    @Test
    void thenRejectedReturnsTheRejectionForFurtherChecks() {
        EmptyCartException rejection = fixture.given().when(new Checkout()).thenRejected(EmptyCartException.class);

        assertThat(rejection).hasMessage("an empty cart cannot be checked out");
        assertThat(fixture.given().when(new Checkout()).thenRejected(RuntimeException.class))
                .as("a superclass of the rejection matches too").isInstanceOf(EmptyCartException.class);
    }

    @Test
    void thenRejectedFailsWhenTheCommandProducedEvents() {
        assertThatThrownBy(() -> fixture.given(new ItemAdded("book", 1)).when(new Checkout()).thenRejected(EmptyCartException.class))
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected the command to be rejected with " + EmptyCartException.class.getName()
                        + ", but it produced 1 event:\n      CheckedOut[items=1]\n");
    }

    @Test
    void thenRejectedFailsOnAnotherRejectionAndKeepsItAsTheCause() {
        assertThatThrownBy(() -> fixture.given().when(new AddItem("book", 0)).thenRejected(EmptyCartException.class))
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessageContaining("but it was rejected with java.lang.IllegalArgumentException: quantity must be 1 or more")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thenFailsWhenTheCommandWasRejected() {
        assertThatThrownBy(() -> fixture.given().when(new Checkout()).then(new CheckedOut(0)))
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected the command to produce 1 event, but it was rejected with "
                        + EmptyCartException.class.getName())
                .hasCauseInstanceOf(EmptyCartException.class);
    }

    @Test
    void andStateFailsWithTheStatesDiff() {
        assertThatThrownBy(() -> fixture.given().when(new AddItem("book", 1)).then(new ItemAdded("book", 1))
                .andState(new Cart(List.of(), false)))
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessage("""
                        The state after the events is not the expected one.
                        Diff (- expected, + actual):
                            - Cart[skus=[], checkedOut=false]
                            + Cart[skus=[book], checkedOut=false]
                        """);
    }

    @Test
    void withASerializerAnUnregisteredEventFailsTheTest() {
        EventTypeRegistry withoutCheckedOut = EventTypeRegistry.builder()
                .register("ItemAdded", ItemAdded.class).register("Cleared", Cleared.class).build();
        var checked = fixture.withSerializer(JsonEventSerializer.of(withoutCheckedOut));

        checked.given(new ItemAdded("book", 1)).when(new Clear()).then(new Cleared());
        assertThatThrownBy(() -> checked.given(new ItemAdded("book", 1)).when(new Checkout()))
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessageContaining("The produced event CheckedOut[items=1] does not go through the serializer")
                .hasMessageContaining("not registered");
    }

    @Test
    void eventsWithoutToStringAreShownAsJson() {
        assertThat(EventText.of(new PlainEvent("x"))).isEqualTo("PlainEvent {\"name\":\"x\"}");
    }

    public static final class PlainEvent {
        private final String name;

        PlainEvent(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }
}
