package io.strata.eventsourcing.serialization;

import tools.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The registered {@link Upcaster}s, applied one after another: while an upcaster reads the event's
 * current (type, version), it runs and the version goes up by one. The chain ends when none
 * matches; {@link JsonEventSerializer} then checks that the result is the registered type at its
 * registered version. Immutable and thread-safe.
 *
 * <pre>
 *   stored ItemAdded v1 ──▶ ItemAdded v2 ──▶ CartItemAdded v3 ──▶ registry: CartItemAdded @ 3 ✔
 * </pre>
 *
 * <p>Each step strictly raises the version, so a chain always ends, even with renames back and forth.
 */
public final class UpcasterChain {
    private static final UpcasterChain NONE = new UpcasterChain(List.of());

    private final Map<Key, Upcaster> byTypeAndVersion;
    private final Set<String> types;

    private UpcasterChain(List<Upcaster> upcasters) {
        Map<Key, Upcaster> map = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (Upcaster upcaster : upcasters) {
            Objects.requireNonNull(upcaster, "upcaster");
            Key key = new Key(upcaster.type(), upcaster.fromVersion());
            Upcaster previous = map.putIfAbsent(key, upcaster);
            if (previous != null) {
                throw new IllegalArgumentException("two upcasters read " + upcaster.type() + " v"
                        + upcaster.fromVersion() + ": " + previous + " and " + upcaster);
            }
            names.add(upcaster.type());
        }
        this.byTypeAndVersion = Map.copyOf(map);
        this.types = Set.copyOf(names);
    }

    public static UpcasterChain none() {
        return NONE;
    }

    public static UpcasterChain of(Upcaster... upcasters) {
        return new UpcasterChain(List.of(upcasters));
    }

    public static UpcasterChain of(List<Upcaster> upcasters) {
        return new UpcasterChain(List.copyOf(upcasters));
    }

    /** Whether some upcaster reads events stored as {@code type} (at some version). */
    public boolean readsType(String type) {
        return types.contains(type);
    }

    /**
     * Runs every matching upcaster on {@code json}, which it may change.
     *
     * @return the final type, version and JSON; the input unchanged when no upcaster matches
     */
    public VersionedJson upcast(String type, int schemaVersion, ObjectNode json) {
        VersionedJson current = new VersionedJson(type, schemaVersion, json);
        for (Upcaster next = upcasterOf(current); next != null; next = upcasterOf(current)) {
            ObjectNode upcasted = next.upcast(current.json());
            if (upcasted == null) {
                throw new IllegalStateException("upcaster " + next + " returned null");
            }
            current = new VersionedJson(next.toType(), current.schemaVersion() + 1, upcasted);
        }
        return current;
    }

    private Upcaster upcasterOf(VersionedJson event) {
        return byTypeAndVersion.get(new Key(event.type(), event.schemaVersion()));
    }

    /** An event's JSON at a given type and schema version, between upcasting steps. */
    public record VersionedJson(String type, int schemaVersion, ObjectNode json) {
    }

    private record Key(String type, int version) {
    }
}
