package io.strata.server;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The parsed body of {@code POST /v1/streams/{stream}}: {@code {expectedRevision, events: [...]}}.
 *
 * <p>Parsing is strict: unknown fields are refused, so that a misspelt {@code expectedRevision}
 * never silently turns an optimistic-concurrency check into "any".
 *
 * @param expectedAsSent the {@code expectedRevision} node as the client wrote it (null when absent)
 */
record AppendBody(JsonNode expectedAsSent, ExpectedRevision expected, List<EventData> events) {
    private static final Set<String> TOP_FIELDS = Set.of("expectedRevision", "events");
    private static final Set<String> EVENT_FIELDS =
            Set.of("id", "type", "data", "dataBase64", "contentType", "metadata", "validTime");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    static AppendBody parse(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid("the body must be a JSON object {\"expectedRevision\": …, \"events\": […]}");
        }
        checkFields("the body", body, TOP_FIELDS);
        JsonNode expectedNode = body.get("expectedRevision");
        ExpectedRevision expected = expectedRevision(expectedNode);
        JsonNode eventsNode = body.get("events");
        if (eventsNode == null || eventsNode.isNull()) {
            throw ApiException.invalid("'events' is missing: give an array of at least one event");
        }
        if (!eventsNode.isArray()) {
            throw ApiException.invalid("'events' must be an array");
        }
        if (eventsNode.isEmpty()) {
            throw ApiException.invalid("'events' is empty: an append needs at least one event");
        }
        List<EventData> events = new ArrayList<>(eventsNode.size());
        for (int i = 0; i < eventsNode.size(); i++) {
            events.add(event(i, eventsNode.get(i)));
        }
        return new AppendBody(expectedNode, expected, events);
    }

    /** Parses the wire form of an expected revision: "any", "no_stream", "exists" or an integer. */
    static ExpectedRevision expectedRevision(JsonNode node) {
        if (node == null || node.isNull()) {
            return ExpectedRevision.ANY;
        }
        try {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return ExpectedRevision.exactly(node.longValue());
            }
            if (node.isString()) {
                return ExpectedRevision.parse(node.stringValue());
            }
        } catch (InvalidRequestException e) {
            throw ApiException.invalid("'expectedRevision' must be \"any\", \"no_stream\", \"exists\" or a revision number (0 or more), got " + node);
        }
        throw ApiException.invalid("'expectedRevision' must be \"any\", \"no_stream\", \"exists\" or a revision number (0 or more), got " + node);
    }

    private static EventData event(int index, JsonNode node) {
        String where = "events[" + index + "]";
        if (!node.isObject()) {
            throw ApiException.invalid(where + " must be an object");
        }
        checkFields(where, node, EVENT_FIELDS);
        EventData.Builder builder = EventData.builder(requiredString(where, node, "type"));
        JsonNode id = node.get("id");
        if (id != null && !id.isNull()) {
            if (!id.isString() || !UUID_TEXT.matcher(id.stringValue()).matches()) {
                throw ApiException.invalid(where + ".id must be a UUID such as 6f1c64e2-0b4e-4c8e-9a59-6c2f4f1d2a10, got " + id);
            }
            builder.id(UUID.fromString(id.stringValue()));
        }
        JsonNode data = node.get("data");
        JsonNode dataBase64 = node.get("dataBase64");
        JsonNode contentType = node.get("contentType");
        if (data != null && dataBase64 != null) {
            throw ApiException.invalid(where + " has both 'data' and 'dataBase64': give one");
        }
        if (dataBase64 != null) {
            if (!dataBase64.isString()) {
                throw ApiException.invalid(where + ".dataBase64 must be a base64 string");
            }
            try {
                builder.data(Base64.getDecoder().decode(dataBase64.stringValue()));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(where + ".dataBase64 is not valid base64: " + e.getMessage());
            }
            if (contentType == null || !contentType.isString() || contentType.stringValue().isBlank()) {
                throw ApiException.invalid(where + " has 'dataBase64' without a 'contentType' string");
            }
            builder.contentType(contentType.stringValue());
        } else if (data != null) {
            if (contentType != null && !(contentType.isString() && EventData.JSON.equals(contentType.stringValue()))) {
                throw ApiException.invalid(where + ".contentType goes with 'dataBase64'; 'data' is always application/json");
            }
            builder.data(WireJson.compact(data));
        } else {
            throw ApiException.invalid(where + " needs 'data' (any JSON value) or 'dataBase64' with 'contentType'");
        }
        JsonNode metadata = node.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw ApiException.invalid(where + ".metadata must be a JSON object");
            }
            builder.metadata(WireJson.compact(metadata));
        }
        JsonNode validTime = node.get("validTime");
        if (validTime != null && !validTime.isNull()) {
            if (!validTime.isString()) {
                throw ApiException.invalid(where + ".validTime must be an RFC 3339 time string");
            }
            builder.validTime(WireJson.parseTime(where + ".validTime", validTime.stringValue()));
        }
        return builder.build();
    }

    private static String requiredString(String where, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalid(where + "." + field + " is missing");
        }
        if (!value.isString()) {
            throw ApiException.invalid(where + "." + field + " must be a string");
        }
        return value.stringValue();
    }

    private static void checkFields(String where, JsonNode node, Set<String> allowed) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!allowed.contains(field.getKey())) {
                throw ApiException.invalid(where + " has an unknown field '" + field.getKey() + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }
}
