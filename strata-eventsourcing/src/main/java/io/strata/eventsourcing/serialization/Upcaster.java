package io.strata.eventsourcing.serialization;

import tools.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Turns the JSON of one stored event type at one schema version into the next version
 * ({@code fromVersion + 1}), possibly under a new type name. Upcasters run on read only: the log is
 * never rewritten, so every old shape stays readable for as long as its upcaster is registered.
 *
 * <pre>{@code
 * // v1 had "amount" in cents; v2 names it "amountCents"
 * Upcaster.of("PaymentReceived", 1, json -> {
 *     json.set("amountCents", json.remove("amount"));
 *     return json;
 * });
 * // v2 of "ItemAdded" becomes v3 of "CartItemAdded"
 * Upcaster.renaming("ItemAdded", 2, "CartItemAdded", json -> json);
 * }</pre>
 *
 * <p>Implementations must be stateless and thread-safe; they may change and return the node they
 * are given (it is a private copy) or return a new one.
 */
public interface Upcaster {

    /** The stored type this upcaster reads (the name as of {@link #fromVersion()}). */
    String type();

    /** The schema version this upcaster reads; it produces {@code fromVersion() + 1}. */
    int fromVersion();

    /** The type name after upcasting; {@link #type()} unless the type is renamed. */
    default String toType() {
        return type();
    }

    /** The JSON of version {@code fromVersion() + 1}. */
    ObjectNode upcast(ObjectNode json);

    /** An upcaster that keeps the type name. */
    static Upcaster of(String type, int fromVersion, UnaryOperator<ObjectNode> transform) {
        return renaming(type, fromVersion, type, transform);
    }

    /** An upcaster that also renames the type to {@code toType}. */
    static Upcaster renaming(String type, int fromVersion, String toType, UnaryOperator<ObjectNode> transform) {
        return new FunctionUpcaster(type, fromVersion, toType, transform);
    }

    /** The {@link Upcaster} behind {@link #of} and {@link #renaming}. */
    record FunctionUpcaster(String type, int fromVersion, String toType, UnaryOperator<ObjectNode> transform)
            implements Upcaster {
        public FunctionUpcaster {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(toType, "toType");
            Objects.requireNonNull(transform, "transform");
            if (fromVersion < 1) {
                throw new IllegalArgumentException("schema versions start at 1, got " + fromVersion);
            }
        }

        @Override
        public ObjectNode upcast(ObjectNode json) {
            return transform.apply(json);
        }

        @Override
        public String toString() {
            return type + " v" + fromVersion + " → " + toType + " v" + (fromVersion + 1);
        }
    }
}
