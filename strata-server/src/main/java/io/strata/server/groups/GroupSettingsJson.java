package io.strata.server.groups;

import io.strata.core.EventFilter;
import io.strata.core.InvalidRequestException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link GroupSettings} as JSON, in the shape of the body of {@code PUT /v1/groups/{group}}
 * (spec/http-api.md), which is also how {@code settings.json} stores them:
 *
 * <pre>
 * {"source": {"stream": "order-42"} | {"all": {"type": ["OrderPlaced"], "category": "order", "streamPrefix": "order-"}},
 *  "from": "start" | "end" | "position token", "ordering": "per-stream" | "none",
 *  "maxDeliveries": 5, "ackTimeout": "PT30S"}
 * </pre>
 *
 * Parsing is strict (unknown fields and wrong types are rejected) and every error is an
 * {@link InvalidRequestException} saying what is wrong; absent optional fields take the defaults of
 * {@link GroupSettings#of}.
 */
public final class GroupSettingsJson {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Set<String> FIELDS = Set.of("source", "from", "ordering", "maxDeliveries", "ackTimeout");
    private static final Set<String> FILTER_FIELDS = Set.of("type", "category", "streamPrefix");

    private GroupSettingsJson() {
    }

    public static ObjectNode toJson(GroupSettings settings) {
        ObjectNode json = MAPPER.createObjectNode();
        json.set("source", sourceToJson(settings.source()));
        json.put("from", settings.start().wireValue());
        json.put("ordering", settings.ordering().wireName());
        json.put("maxDeliveries", settings.maxDeliveries());
        json.put("ackTimeout", settings.ackTimeout().toString());
        return json;
    }

    /** The {@code source} object: {@code {"stream": …}} or {@code {"all": {…}}}. */
    public static ObjectNode sourceToJson(GroupSource source) {
        ObjectNode json = MAPPER.createObjectNode();
        switch (source) {
            case GroupSource.Stream stream -> json.put("stream", stream.name());
            case GroupSource.All all -> {
                ObjectNode filter = json.putObject("all");
                EventFilter f = all.filter();
                if (!f.types().isEmpty()) {
                    ArrayNode types = filter.putArray("type");
                    new TreeSet<>(f.types()).forEach(types::add);
                }
                f.category().ifPresent(c -> filter.put("category", c));
                f.streamPrefix().ifPresent(p -> filter.put("streamPrefix", p));
            }
        }
        return json;
    }

    public static GroupSettings fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new InvalidRequestException("group settings must be a JSON object");
        }
        rejectUnknown(json, FIELDS, "group settings");
        JsonNode source = json.get("source");
        if (source == null || source.isNull()) {
            throw new InvalidRequestException("group settings need a source: {\"stream\": \"…\"} or {\"all\": {…}}");
        }
        GroupSettings settings = GroupSettings.of(sourceFromJson(source));
        JsonNode from = json.get("from");
        if (from != null) {
            settings = settings.withStart(StartFrom.parse(string(from, "from")));
        }
        JsonNode ordering = json.get("ordering");
        if (ordering != null) {
            settings = settings.withOrdering(Ordering.parse(string(ordering, "ordering")));
        }
        JsonNode maxDeliveries = json.get("maxDeliveries");
        if (maxDeliveries != null) {
            if (!maxDeliveries.isIntegralNumber() || !maxDeliveries.canConvertToInt()) {
                throw new InvalidRequestException("maxDeliveries must be an integer, got " + maxDeliveries);
            }
            settings = settings.withMaxDeliveries(maxDeliveries.intValue());
        }
        JsonNode ackTimeout = json.get("ackTimeout");
        if (ackTimeout != null) {
            settings = settings.withAckTimeout(duration(ackTimeout, "ackTimeout"));
        }
        return settings;
    }

    public static GroupSource sourceFromJson(JsonNode source) {
        if (!source.isObject() || source.size() != 1 || !(source.has("stream") || source.has("all"))) {
            throw new InvalidRequestException("source must be {\"stream\": \"name\"} or {\"all\": {\"type\": […], \"category\": …, \"streamPrefix\": …}}, got " + source);
        }
        if (source.has("stream")) {
            return GroupSource.stream(string(source.get("stream"), "source.stream"));
        }
        JsonNode all = source.get("all");
        if (!all.isObject()) {
            throw new InvalidRequestException("source.all must be an object (use {} for every event), got " + all);
        }
        rejectUnknown(all, FILTER_FIELDS, "source.all");
        Set<String> types = new HashSet<>();
        JsonNode type = all.get("type");
        if (type != null) {
            if (!type.isArray()) {
                throw new InvalidRequestException("source.all.type must be an array of event types, got " + type);
            }
            for (JsonNode t : type.values()) {
                types.add(string(t, "source.all.type[]"));
            }
        }
        Optional<String> category = all.has("category") ? Optional.of(string(all.get("category"), "source.all.category")) : Optional.empty();
        Optional<String> prefix = all.has("streamPrefix") ? Optional.of(string(all.get("streamPrefix"), "source.all.streamPrefix")) : Optional.empty();
        return GroupSource.all(new EventFilter(types, category, prefix));
    }

    /** Parses an ISO-8601 duration such as {@code PT5S}. */
    public static Duration duration(JsonNode node, String field) {
        String text = string(node, field);
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(field + " must be an ISO-8601 duration such as \"PT30S\", got '" + text + "'");
        }
    }

    private static String string(JsonNode node, String field) {
        if (node == null || !node.isString()) {
            throw new InvalidRequestException(field + " must be a string, got " + node);
        }
        return node.stringValue();
    }

    private static void rejectUnknown(JsonNode object, Set<String> known, String what) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!known.contains(field.getKey())) {
                throw new InvalidRequestException("unknown field '" + field.getKey() + "' in " + what + "; known: " + new TreeSet<>(known));
            }
        }
    }
}
