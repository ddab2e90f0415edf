package io.strata.eventsourcing.serialization;

import io.strata.core.EventData;
import io.strata.core.RecordedEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Events as JSON through a Jackson 3 {@link JsonMapper}: records and plain classes need no
 * annotations, because the stored type name comes from the {@link EventTypeRegistry} rather than
 * from a type property inside the JSON. Thread-safe.
 *
 * <pre>
 *  write: event ──registry──▶ type name, version ──mapper──▶ data bytes
 *                 metadata + schemaVersion ─────────────────▶ metadata bytes ──▶ EventData
 *
 *  read:  RecordedEvent ──metadata──▶ stored version
 *           ├─ no upcaster reads the type: bytes ──mapper──▶ object (version must be current)
 *           └─ otherwise: bytes ─▶ JSON tree ─▶ upcaster chain ─▶ registry type ─▶ object
 * </pre>
 *
 * <p>Design note: the tree is built only when an upcaster reads the stored type; the common case
 * binds straight from bytes, so a registry without upcasters costs nothing extra per event.
 */
public final class JsonEventSerializer implements EventSerializer {
    private final EventTypeRegistry registry;
    private final UpcasterChain upcasters;
    private final JsonMapper mapper;
    private final MetadataCodec metadataCodec;
    /** One reader per registered type, resolved once rather than looked up on every event. */
    private final Map<String, ObjectReader> readers;

    private JsonEventSerializer(EventTypeRegistry registry, UpcasterChain upcasters, JsonMapper mapper) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.upcasters = Objects.requireNonNull(upcasters, "upcasters");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.metadataCodec = new MetadataCodec(mapper);
        Map<String, ObjectReader> byName = new HashMap<>();
        for (EventType<?> type : registry.types()) {
            byName.put(type.name(), mapper.readerFor(type.javaClass()));
        }
        this.readers = Map.copyOf(byName);
    }

    /** A serializer with a default {@link JsonMapper} and no upcasters. */
    public static JsonEventSerializer of(EventTypeRegistry registry) {
        return builder(registry).build();
    }

    /** A serializer with a default {@link JsonMapper}. */
    public static JsonEventSerializer of(EventTypeRegistry registry, UpcasterChain upcasters) {
        return builder(registry).upcasters(upcasters).build();
    }

    public static Builder builder(EventTypeRegistry registry) {
        return new Builder(registry);
    }

    @Override
    public EventData serialize(Object event, EventMetadata metadata) {
        return encode(event, metadata).build();
    }

    @Override
    public EventData serialize(UUID eventId, Object event, EventMetadata metadata) {
        return encode(event, metadata).id(Objects.requireNonNull(eventId, "eventId")).build();
    }

    private EventData.Builder encode(Object event, EventMetadata metadata) {
        EventType<?> type = registry.typeOf(event);
        byte[] data;
        try {
            data = mapper.writeValueAsBytes(event);
        } catch (JacksonException e) {
            throw new EventSerializationException("cannot write " + event.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
        return EventData.builder(type.name())
                .data(data)
                .metadata(metadataCodec.encode(metadata, type.schemaVersion()));
    }

    @Override
    public DecodedEvent deserialize(RecordedEvent recorded) {
        String where = recorded.stream() + "@" + recorded.revision();
        MetadataCodec.Decoded metadata = metadataCodec.decode(recorded.metadata(), where);
        String storedType = recorded.type();
        int storedVersion = metadata.schemaVersion();
        if (!canDeserialize(storedType)) {
            throw UnknownEventTypeException.forName(storedType, where);
        }
        checkJson(recorded, where);
        Object payload;
        String finalType;
        if (upcasters.readsType(storedType)) {
            UpcasterChain.VersionedJson upcasted = upcast(recorded, storedVersion, where);
            EventType<?> type = registeredAtVersion(upcasted.type(), upcasted.schemaVersion(), storedType, storedVersion, where);
            payload = bind(() -> readers.get(type.name()).readValue(upcasted.json()), type, where);
            finalType = type.name();
        } else {
            EventType<?> type = registeredAtVersion(storedType, storedVersion, storedType, storedVersion, where);
            payload = bind(() -> readers.get(type.name()).readValue(recorded.data()), type, where);
            finalType = type.name();
        }
        return new DecodedEvent(payload, finalType, storedVersion, metadata.metadata(), recorded);
    }

    @Override
    public EventMetadata metadataOf(RecordedEvent recorded) {
        return metadataCodec.decode(recorded.metadata(), recorded.stream() + "@" + recorded.revision()).metadata();
    }

    @Override
    public boolean canDeserialize(String storedType) {
        return registry.contains(storedType) || upcasters.readsType(storedType);
    }

    @Override
    public EventTypeRegistry registry() {
        return registry;
    }

    private UpcasterChain.VersionedJson upcast(RecordedEvent recorded, int storedVersion, String where) {
        JsonNode tree;
        try {
            tree = mapper.readTree(recorded.data());
        } catch (JacksonException e) {
            throw new EventDecodingException("event " + where + " (" + recorded.type() + ") is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new EventDecodingException("event " + where + " (" + recorded.type()
                    + ") is not a JSON object, so no upcaster can read it");
        }
        try {
            return upcasters.upcast(recorded.type(), storedVersion, object);
        } catch (RuntimeException e) {
            throw new EventDecodingException("upcasting event " + where + " (" + recorded.type() + " v"
                    + storedVersion + ") failed: " + e.getMessage(), e);
        }
    }

    /** The registered type of {@code name}, provided it is registered at exactly {@code version}. */
    private EventType<?> registeredAtVersion(String name, int version, String storedType, int storedVersion, String where) {
        EventType<?> type = registry.byName(name).orElseThrow(() -> UnknownEventTypeException.forName(name, where));
        if (version < type.schemaVersion()) {
            throw new EventDecodingException("event " + where + " is " + describe(storedType, storedVersion, name, version)
                    + " but " + name + " is registered at v" + type.schemaVersion() + ": an upcaster from "
                    + name + " v" + version + " is missing");
        }
        if (version > type.schemaVersion()) {
            throw new EventDecodingException("event " + where + " is " + describe(storedType, storedVersion, name, version)
                    + ", newer than the registered v" + type.schemaVersion() + ": it was written by newer code");
        }
        return type;
    }

    private static String describe(String storedType, int storedVersion, String name, int version) {
        String stored = storedType + " v" + storedVersion;
        return storedType.equals(name) && storedVersion == version ? stored : stored + " (upcast to " + name + " v" + version + ")";
    }

    private static void checkJson(RecordedEvent recorded, String where) {
        String contentType = recorded.contentType();
        if (!(contentType.startsWith(EventData.JSON) || contentType.endsWith("+json"))) {
            throw new EventDecodingException("event " + where + " (" + recorded.type() + ") has content type '"
                    + contentType + "', not JSON");
        }
    }

    private static Object bind(JsonBinding binding, EventType<?> type, String where) {
        try {
            return binding.bind();
        } catch (JacksonException e) {
            throw new EventDecodingException("event " + where + " does not bind to " + type.javaClass().getName()
                    + " (" + type.name() + " v" + type.schemaVersion() + "): " + e.getOriginalMessage(), e);
        }
    }

    @FunctionalInterface
    private interface JsonBinding {
        Object bind();
    }

    /** Options of a {@link JsonEventSerializer}; only the registry is required. Not thread-safe. */
    public static final class Builder {
        private final EventTypeRegistry registry;
        private UpcasterChain upcasters = UpcasterChain.none();
        private JsonMapper mapper;

        private Builder(EventTypeRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        public Builder upcasters(UpcasterChain upcasters) {
            this.upcasters = Objects.requireNonNull(upcasters, "upcasters");
            return this;
        }

        public Builder upcasters(Upcaster... upcasters) {
            return upcasters(UpcasterChain.of(upcasters));
        }

        /** The mapper for payloads (e.g. with custom modules); {@code JsonMapper.builder().build()} by default. */
        public Builder mapper(JsonMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        public JsonEventSerializer build() {
            return new JsonEventSerializer(registry, upcasters, mapper != null ? mapper : JsonMapper.builder().build());
        }
    }
}
