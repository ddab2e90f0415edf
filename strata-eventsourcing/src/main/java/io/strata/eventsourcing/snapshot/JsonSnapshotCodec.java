package io.strata.eventsourcing.snapshot;

import tools.jackson.databind.json.JsonMapper;

import java.util.Objects;

/**
 * A state record (or any class Jackson binds) as JSON. A sealed-interface state needs Jackson type
 * information or a hand-written {@link SnapshotCodec}. Thread-safe.
 */
public final class JsonSnapshotCodec<S> implements SnapshotCodec<S> {
    private final Class<S> stateClass;
    private final int stateVersion;
    private final JsonMapper mapper;

    private JsonSnapshotCodec(Class<S> stateClass, int stateVersion, JsonMapper mapper) {
        this.stateClass = Objects.requireNonNull(stateClass, "stateClass");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.stateVersion = stateVersion;
    }

    /** A codec of {@code stateClass} at {@code stateVersion} with a default {@link JsonMapper}. */
    public static <S> JsonSnapshotCodec<S> of(Class<S> stateClass, int stateVersion) {
        return new JsonSnapshotCodec<>(stateClass, stateVersion, JsonMapper.builder().build());
    }

    public static <S> JsonSnapshotCodec<S> of(Class<S> stateClass, int stateVersion, JsonMapper mapper) {
        return new JsonSnapshotCodec<>(stateClass, stateVersion, mapper);
    }

    @Override
    public int stateVersion() {
        return stateVersion;
    }

    @Override
    public byte[] encode(S state) {
        return mapper.writeValueAsBytes(state);
    }

    @Override
    public S decode(byte[] bytes) {
        return mapper.readValue(bytes, stateClass);
    }
}
